package io.tokenagent.instrumentation.apache.v4;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClientInstrumentation;
import io.tokenagent.instrumentation.InstrumentationContext;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Apache HttpClient 4.3 to 4.5 (classic). Its execution chain (redirect, retry, protocol) ends in
 * {@code MainClientExec.execute(route, request, context, aware)} once per request sent, with the target host in
 * the route and the request's path in the wrapper: the hook adjusts the wrapper's headers there. Versions before
 * 4.3 have no such chain and are left alone.
 */
public final class ApacheClassicInstrumentation implements ClientInstrumentation {

    private static final String TARGET = "org/apache/http/impl/execchain/MainClientExec";
    private static final String EXECUTE = "(Lorg/apache/http/conn/routing/HttpRoute;"
            + "Lorg/apache/http/client/methods/HttpRequestWrapper;Lorg/apache/http/client/protocol/HttpClientContext;"
            + "Lorg/apache/http/client/methods/HttpExecutionAware;)"
            + "Lorg/apache/http/client/methods/CloseableHttpResponse;";
    private static final String HOOK = "io/tokenagent/instrumentation/apache/v4/ApacheClassicHook";

    @Override
    public String name() {
        return "apache-httpclient-4";
    }

    @Override
    public String[] targetClasses() {
        return new String[] {TARGET};
    }

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (loader == null || !ClassShape.of(reader).hasMethod("execute", EXECUTE)) {
            return null;
        }
        context.defineHook(HOOK.replace('/', '.'), loader, null);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
                if (!"execute".equals(name) || !EXECUTE.equals(desc)) {
                    return mv;
                }
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        super.visitVarInsn(Opcodes.ALOAD, 1);
                        super.visitVarInsn(Opcodes.ALOAD, 2);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "beforeExecute",
                                "(Lorg/apache/http/conn/routing/HttpRoute;"
                                        + "Lorg/apache/http/client/methods/HttpRequestWrapper;)V", false);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, 2), maxLocals);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
