package io.tokenagent.instrumentation.jetty;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodEntryCall;
import org.objectweb.asm.ClassReader;

/**
 * Jetty's {@code HttpClient}, 9.4 to 12. Every request it sends, first attempt, redirect hop or authentication
 * retry, is handed to its destination's {@code send} before it is queued for a connection, with its final URL and
 * headers: {@code HttpDestination.send(HttpRequest, List)} in 9.4 to 11, {@code send(HttpRequest)} in 12, where the
 * classes moved to {@code org.eclipse.jetty.client.transport}. The hook runs first there and may hold the request
 * until its token arrives (see {@link JettyHook}).
 */
public final class JettyInstrumentation implements ClassRewrite {

    public static final String JETTY_9_TO_11 = "org/eclipse/jetty/client/HttpDestination";
    public static final String JETTY_12 = "org/eclipse/jetty/client/transport/HttpDestination";
    private static final String SEND_9_TO_11 = "(Lorg/eclipse/jetty/client/HttpRequest;Ljava/util/List;)V";
    private static final String SEND_12 = "(Lorg/eclipse/jetty/client/transport/HttpRequest;)V";
    private static final String HOOK = "io/tokenagent/instrumentation/jetty/JettyHook";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        boolean jetty12 = JETTY_12.equals(internalName);
        String send = jetty12 ? SEND_12 : SEND_9_TO_11;
        if (loader == null || !ClassShape.of(reader).hasMethod("send", send)) {
            return null;
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        return jetty12
                ? MethodEntryCall.insertReturningIfTrue(reader, "send", send, HOOK, "deferred",
                        "(Ljava/lang/Object;Ljava/lang/Object;)Z", 0, 1)
                : MethodEntryCall.insertReturningIfTrue(reader, "send", send, HOOK, "deferred",
                        "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Z", 0, 1, 2);
    }
}
