package io.tokenagent.instrumentation.httpclient;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodExitCall;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code java.net.http.HttpClient} (Java 11+), HTTP/1.1 and HTTP/2, {@code send} and {@code sendAsync}.
 *
 * <p>Every exchange the client makes (first attempt, each redirect hop, each authentication retry) runs its
 * request filters on a fresh internal request, so the hook adds the header there, as a "system" header like the
 * client's own Basic authentication: nothing the application holds is changed, and a hop to another URL starts
 * without it. Failing in the filters fails the exchange's future, which is the client's own error path. A second,
 * small hook at {@code sendAsync} (which {@code send} calls too) waits for a token that is not cached yet without
 * holding any thread. At the end of the response filters, a third sees each exchange's response: a 401 to the
 * agent's token may start another exchange, as the client's own authentication does.
 */
public final class JdkHttpClientInstrumentation implements ClassRewrite {

    public static final String MULTI_EXCHANGE = "jdk/internal/net/http/MultiExchange";
    public static final String CLIENT_IMPL = "jdk/internal/net/http/HttpClientImpl";
    private static final String HOOK = "io/tokenagent/instrumentation/httpclient/JdkHttpClientHook";
    private static final String REQUEST_FILTERS = "(Ljdk/internal/net/http/HttpRequestImpl;)V";
    private static final String RESPONSE_FILTERS = "(Ljdk/internal/net/http/Response;)"
            + "Ljdk/internal/net/http/HttpRequestImpl;";
    private static final String AFTER_RESPONSE = "(Ljava/net/http/HttpRequest;Ljava/lang/Object;)"
            + "Ljava/net/http/HttpRequest;";
    private static final String SEND_ASYNC = "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;"
            + "Ljava/net/http/HttpResponse$PushPromiseHandler;Ljava/util/concurrent/Executor;)"
            + "Ljava/util/concurrent/CompletableFuture;";
    private static final String DEFER = "(Ljava/net/http/HttpClient;Ljava/net/http/HttpRequest;"
            + "Ljava/net/http/HttpResponse$BodyHandler;Ljava/net/http/HttpResponse$PushPromiseHandler;"
            + "Ljava/util/concurrent/Executor;)Ljava/util/concurrent/CompletableFuture;";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        final boolean filters = MULTI_EXCHANGE.equals(internalName);
        final String method = filters ? "requestFilters" : "sendAsync";
        final String descriptor = filters ? REQUEST_FILTERS : SEND_ASYNC;
        // The hook goes in the platform loader with java.net.http: the boot loader cannot see its types.
        ClassShape shape = ClassShape.of(reader);
        if (!shape.hasMethod(method, descriptor) || !context.defineHook(HOOK.replace('/', '.'), loader,
                "java.net.http", "jdk.internal.net.http", "jdk.internal.net.http.common")) {
            return null;
        }
        byte[] rewritten = new MethodRewrite(method, descriptor) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        if (filters) {
                            super.visitVarInsn(Opcodes.ALOAD, 1);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "beforeExchange",
                                    "(Ljava/net/http/HttpRequest;)V", false);
                        } else {
                            deferUntilToken();
                        }
                    }

                    /** {@code f = hook.deferUntilToken(this, args...); if (f != null) return f;} */
                    private void deferUntilToken() {
                        for (int local = 0; local <= 4; local++) {
                            super.visitVarInsn(Opcodes.ALOAD, local);
                        }
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "deferUntilToken", DEFER, false);
                        super.visitInsn(Opcodes.DUP);
                        Label sendNow = new Label();
                        super.visitJumpInsn(Opcodes.IFNULL, sendNow);
                        super.visitInsn(Opcodes.ARETURN);
                        super.visitLabel(sendNow);
                        super.visitFrame(Opcodes.F_SAME1, 0, null, 1,
                                new Object[] {"java/util/concurrent/CompletableFuture"});
                        super.visitInsn(Opcodes.POP);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, filters ? 1 : 6), maxLocals);
                    }
                };
            }
        }.applyTo(reader);
        if (!filters || !shape.hasMethod("responseFilters", RESPONSE_FILTERS)) {
            return rewritten;
        }
        return MethodExitCall.insert(new ClassReader(rewritten), "responseFilters", RESPONSE_FILTERS, HOOK,
                "afterResponse", AFTER_RESPONSE, "jdk/internal/net/http/HttpRequestImpl", 1);
    }
}
