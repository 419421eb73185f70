package io.tokenagent.instrumentation.commons;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Jakarta Commons HttpClient 3.x ({@code org.apache.commons.httpclient}). {@code HttpClient.executeMethod} hands
 * every request to an {@code HttpMethodDirector}, whose loop runs one hop per round (the first request, each
 * redirect it follows, each authentication retry): it points its connection at the hop's host, adds the client's
 * own authentication headers, then calls its private {@code executeWithRetry(method)}. The hook runs first there,
 * with the director's connection (the hop's scheme, host and port) and the method (its path); I/O retries of the
 * same hop happen inside, keeping the header. The proxy {@code CONNECT} the director may send does not pass there.
 */
public final class CommonsHttpClientInstrumentation implements ClassRewrite {

    public static final String TARGET = "org/apache/commons/httpclient/HttpMethodDirector";
    private static final String CONNECTION = "Lorg/apache/commons/httpclient/HttpConnection;";
    private static final String EXECUTE_WITH_RETRY = "(Lorg/apache/commons/httpclient/HttpMethod;)V";
    private static final String HOOK = "io/tokenagent/instrumentation/commons/CommonsHttpClientHook";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        ClassShape shape = ClassShape.of(reader);
        if (loader == null || !shape.hasField("conn", CONNECTION)
                || !shape.hasMethod("executeWithRetry", EXECUTE_WITH_RETRY)) {
            return null;
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        return new MethodRewrite("executeWithRetry", EXECUTE_WITH_RETRY) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, TARGET, "conn", CONNECTION);
                        super.visitVarInsn(Opcodes.ALOAD, 1);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "beforeHop",
                                "(" + CONNECTION + "Lorg/apache/commons/httpclient/HttpMethod;)V", false);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, 2), maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }
}
