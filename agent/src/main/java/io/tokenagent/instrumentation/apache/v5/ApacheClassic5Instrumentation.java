package io.tokenagent.instrumentation.apache.v5;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClientInstrumentation;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import org.objectweb.asm.ClassReader;

/**
 * Apache HttpClient 5.0 to 5.6, classic API. As in 4.x, its execution chain ends in
 * {@code MainClientExec.execute(request, scope, chain)} once per request sent, with the target host in the scope's
 * route: the hook adjusts the request's headers there.
 */
public final class ApacheClassic5Instrumentation implements ClientInstrumentation {

    private static final String TARGET = "org/apache/hc/client5/http/impl/classic/MainClientExec";
    private static final String EXECUTE = "(Lorg/apache/hc/core5/http/ClassicHttpRequest;"
            + "Lorg/apache/hc/client5/http/classic/ExecChain$Scope;Lorg/apache/hc/client5/http/classic/ExecChain;)"
            + "Lorg/apache/hc/core5/http/ClassicHttpResponse;";
    private static final String HOOK_DESCRIPTOR = "(Lorg/apache/hc/core5/http/ClassicHttpRequest;"
            + "Lorg/apache/hc/client5/http/classic/ExecChain$Scope;)V";
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v5/ApacheClassic5Hook";

    @Override
    public String name() {
        return "apache-httpclient-5-classic";
    }

    @Override
    public String[] targetClasses() {
        return new String[] {TARGET};
    }

    @Override
    public String relocatableRoot() {
        return "org/apache/hc/"; // client5 and core5 move together
    }

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !ClassShape.of(reader).hasMethod("execute", EXECUTE)) {
            return null;
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        return MethodEntryCall.insert(reader, "execute", EXECUTE, HOOK, "beforeExecute", HOOK_DESCRIPTOR, 1, 2);
    }
}
