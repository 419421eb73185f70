package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import io.tokenagent.instrumentation.MethodExitCall;
import org.objectweb.asm.ClassReader;

/**
 * Apache HttpClient 5.0 to 5.6, classic API. As in 4.x, its execution chain ends in
 * {@code MainClientExec.execute(request, scope, chain)} once per request sent, with the target host in the scope's
 * route: the hook adjusts the request's headers there. The response is seen one step up, at
 * {@code ConnectExec.execute}, which leases the connection: a request sent once more after a 401 (see
 * {@link ApacheClassic5Hook#afterConnectExec}) goes through it again and gets a connection of its own.
 */
public final class ApacheClassic5Instrumentation implements ClassRewrite {

    public static final String TARGET = "org/apache/hc/client5/http/impl/classic/MainClientExec";
    public static final String CONNECT = "org/apache/hc/client5/http/impl/classic/ConnectExec";
    private static final String EXECUTE = "(Lorg/apache/hc/core5/http/ClassicHttpRequest;"
            + "Lorg/apache/hc/client5/http/classic/ExecChain$Scope;Lorg/apache/hc/client5/http/classic/ExecChain;)"
            + "Lorg/apache/hc/core5/http/ClassicHttpResponse;";
    private static final String HOOK_DESCRIPTOR = "(Lorg/apache/hc/core5/http/ClassicHttpRequest;"
            + "Lorg/apache/hc/client5/http/classic/ExecChain$Scope;)V";
    private static final String AFTER = "(Lorg/apache/hc/core5/http/ClassicHttpResponse;"
            + "Lorg/apache/hc/client5/http/classic/ExecChainHandler;" + EXECUTE.substring(1);
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v5/ApacheClassic5Hook";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !ClassShape.of(reader).hasMethod("execute", EXECUTE)) {
            return null;
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        if (CONNECT.equals(internalName)) {
            return MethodExitCall.insert(reader, "execute", EXECUTE, HOOK, "afterConnectExec", AFTER, null, 0, 1, 2, 3);
        }
        return MethodEntryCall.insert(reader, "execute", EXECUTE, HOOK, "beforeExecute", HOOK_DESCRIPTOR, 1, 2);
    }
}
