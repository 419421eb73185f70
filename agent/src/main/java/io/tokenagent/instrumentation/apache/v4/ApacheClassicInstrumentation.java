package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import io.tokenagent.instrumentation.MethodExitCall;
import org.objectweb.asm.ClassReader;

/**
 * Apache HttpClient 4.3 to 4.5 (classic). Its execution chain (redirect, retry, protocol) ends in
 * {@code MainClientExec.execute(route, request, context, aware)} once per request sent, with the target host in
 * the route and the request's path in the wrapper: the hook adjusts the wrapper's headers there, and sees the
 * response it returns (a 401 to the agent's token, see {@link ApacheClassicHook#afterExecute}). Versions before
 * 4.3 have no such chain and are left alone.
 */
public final class ApacheClassicInstrumentation implements ClassRewrite {

    public static final String TARGET = "org/apache/http/impl/execchain/MainClientExec";
    private static final String EXECUTE = "(Lorg/apache/http/conn/routing/HttpRoute;"
            + "Lorg/apache/http/client/methods/HttpRequestWrapper;Lorg/apache/http/client/protocol/HttpClientContext;"
            + "Lorg/apache/http/client/methods/HttpExecutionAware;)"
            + "Lorg/apache/http/client/methods/CloseableHttpResponse;";
    private static final String HOOK_DESCRIPTOR = "(Lorg/apache/http/conn/routing/HttpRoute;"
            + "Lorg/apache/http/client/methods/HttpRequestWrapper;)V";
    private static final String AFTER = "(Lorg/apache/http/client/methods/CloseableHttpResponse;"
            + "Lorg/apache/http/impl/execchain/ClientExecChain;" + EXECUTE.substring(1);
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v4/ApacheClassicHook";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !ClassShape.of(reader).hasMethod("execute", EXECUTE)) {
            return null;
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        byte[] entry = MethodEntryCall.insert(reader, "execute", EXECUTE, HOOK, "beforeExecute", HOOK_DESCRIPTOR, 1, 2);
        return MethodExitCall.insert(new ClassReader(entry), "execute", EXECUTE, HOOK, "afterExecute", AFTER, null,
                0, 1, 2, 3, 4);
    }
}
