package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import org.objectweb.asm.ClassReader;

/**
 * Apache HttpClient 5.0 to 5.6, asynchronous API ({@code CloseableHttpAsyncClient}, HTTP/1.1 and HTTP/2). Its exec
 * chain (redirect, retry, protocol) ends in {@code HttpAsyncMainClientExec.execute} or
 * {@code H2AsyncMainClientExec.execute} once per request sent, with the target in the scope's route: the hook runs
 * there first and may take the request over until its token arrives (see {@link ApacheAsync5Hook}).
 */
public final class ApacheAsync5Instrumentation implements ClassRewrite {

    public static final String HTTP1_EXEC = "org/apache/hc/client5/http/impl/async/HttpAsyncMainClientExec";
    public static final String H2_EXEC = "org/apache/hc/client5/http/impl/async/H2AsyncMainClientExec";
    private static final String EXECUTE = "(Lorg/apache/hc/core5/http/HttpRequest;"
            + "Lorg/apache/hc/core5/http/nio/AsyncEntityProducer;Lorg/apache/hc/client5/http/async/AsyncExecChain$Scope;"
            + "Lorg/apache/hc/client5/http/async/AsyncExecChain;Lorg/apache/hc/client5/http/async/AsyncExecCallback;)V";
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v5/ApacheAsync5Hook";
    private static final String HOOK_DESCRIPTOR = "(Lorg/apache/hc/client5/http/async/AsyncExecChainHandler;"
            + EXECUTE.substring(1, EXECUTE.length() - 2) + ")Z";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !ClassShape.of(reader).hasMethod("execute", EXECUTE)) {
            return null;
        }
        context.defineHook("io.tokenagent.instrumentation.apache.v5.ApacheClassic5Hook", loader, null);
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        return MethodEntryCall.insertReturningIfTrue(reader, "execute", EXECUTE, HOOK, "deferred", HOOK_DESCRIPTOR,
                0, 1, 2, 3, 4, 5);
    }
}
