package io.tokenagent.instrumentation.urlconnection;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClientInstrumentation;
import io.tokenagent.instrumentation.InstrumentationContext;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code java.net.HttpURLConnection} and {@code HttpsURLConnection}: both are the JDK's
 * {@code sun.net.www.protocol.http.HttpURLConnection}, and every request it sends (first attempt, retry, each
 * redirect hop, HTTPS through its delegate) is written by its private {@code writeRequests()}. Just before that
 * method hands the assembled headers to the wire, {@link UrlConnectionHook#beforeWrite} adjusts them for the URL
 * the hop goes to. A 401 goes through its private {@code getServerAuthentication}, where the connection looks for
 * credentials of its own: {@link UrlConnectionHook#unauthorized} is told of it there first.
 */
public final class UrlConnectionInstrumentation implements ClientInstrumentation {

    static final String TARGET = "sun/net/www/protocol/http/HttpURLConnection";
    private static final String HOOK = "io/tokenagent/instrumentation/urlconnection/UrlConnectionHook";
    private static final String MESSAGE_HEADER = "Lsun/net/www/MessageHeader;";
    private static final String SERVER_AUTHENTICATION = "getServerAuthentication";
    private static final String SERVER_AUTHENTICATION_DESCRIPTOR = "(Lsun/net/www/protocol/http/AuthenticationHeader;)"
            + "Lsun/net/www/protocol/http/AuthenticationInfo;";

    @Override
    public String name() {
        return "urlconnection";
    }

    @Override
    public String[] targetClasses() {
        return new String[] {TARGET};
    }

    @Override
    public String relocatableRoot() {
        return null; // the JDK's own
    }

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        ClassShape shape = ClassShape.of(reader);
        if (!shape.hasField("requests", MESSAGE_HEADER) || !shape.hasField("userHeaders", MESSAGE_HEADER)
                || !shape.hasMethod("writeRequests", "()V")) {
            return null;
        }
        if (!context.defineHook(HOOK.replace('/', '.'), loader, "java.base", "sun.net.www")) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        WriteRequestsRewriter rewriter = new WriteRequestsRewriter(writer, shape.hasField("responses", MESSAGE_HEADER)
                && shape.hasMethod(SERVER_AUTHENTICATION, SERVER_AUTHENTICATION_DESCRIPTOR));
        reader.accept(rewriter, 0);
        return rewriter.rewritten ? writer.toByteArray() : null;
    }

    /**
     * Inserts the hook call before each {@code http.writeRequests(...)} inside {@code writeRequests()}, and the 401
     * hook's at the start of {@code getServerAuthentication} (where a version has it: else no 401 recovery).
     */
    private static final class WriteRequestsRewriter extends ClassVisitor {
        private final boolean unauthorizedHook;
        boolean rewritten;

        WriteRequestsRewriter(ClassVisitor next, boolean unauthorizedHook) {
            super(Opcodes.ASM9, next);
            this.unauthorizedHook = unauthorizedHook;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (unauthorizedHook && SERVER_AUTHENTICATION.equals(name)
                    && SERVER_AUTHENTICATION_DESCRIPTOR.equals(descriptor)) {
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        for (String field : new String[] {"requests", "responses"}) {
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitFieldInsn(Opcodes.GETFIELD, TARGET, field, MESSAGE_HEADER);
                        }
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, "java/net/URLConnection", "url", "Ljava/net/URL;");
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "unauthorized",
                                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/net/URL;)V", false);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, 3), maxLocals);
                    }
                };
            }
            if (!"writeRequests".equals(name) || !"()V".equals(descriptor)) {
                return mv;
            }
            return new MethodVisitor(Opcodes.ASM9, mv) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                    if (opcode == Opcodes.INVOKEVIRTUAL && "sun/net/www/http/HttpClient".equals(owner)
                            && "writeRequests".equals(method)) {
                        // The operands of the call are already on the stack; the hook's go above them.
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, TARGET, "requests", MESSAGE_HEADER);
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, TARGET, "userHeaders", MESSAGE_HEADER);
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        super.visitFieldInsn(Opcodes.GETFIELD, "java/net/URLConnection", "url", "Ljava/net/URL;");
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "beforeWrite",
                                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/net/URL;)V", false);
                        rewritten = true;
                    }
                    super.visitMethodInsn(opcode, owner, method, desc, itf);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(maxStack + 3, maxLocals);
                }
            };
        }
    }
}
