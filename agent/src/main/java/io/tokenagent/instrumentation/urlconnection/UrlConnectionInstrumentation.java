package io.tokenagent.instrumentation.urlconnection;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClientInstrumentation;
import io.tokenagent.instrumentation.InstrumentationContext;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code java.net.HttpURLConnection} and {@code HttpsURLConnection}: both are the JDK's
 * {@code sun.net.www.protocol.http.HttpURLConnection}, and every request it sends (first attempt, retry, each
 * redirect hop, HTTPS through its delegate) is written by its private {@code writeRequests()}. Just before that
 * method hands the assembled headers to the wire, {@link UrlConnectionHook#beforeWrite} adjusts them for the URL
 * the hop goes to.
 *
 * <p>A 401 is handled by the connection's own loop in {@code getInputStream0()} ({@code getInputStream()} on JDK 8):
 * it asks {@code getServerAuthentication} for credentials of its own and, when that gives some, sends the request
 * once more ({@code serverAuthentication != null} → {@code continue}). {@link UrlConnectionHook#unauthorized} is put
 * between that answer and its null test: it is told of every 401 there, and when the agent would send the request
 * again ({@code retry_on_401}) it answers non-null, so the JDK's loop sends it again, through {@code writeRequests()}
 * and so with the new token. When the JDK found credentials of its own, the hook gives its answer back unchanged.
 */
public final class UrlConnectionInstrumentation implements ClientInstrumentation {

    static final String TARGET = "sun/net/www/protocol/http/HttpURLConnection";
    private static final String HOOK = "io/tokenagent/instrumentation/urlconnection/UrlConnectionHook";
    /** The method the rewritten class gets to open the hook's reflective methods ({@link #addOpenHook}). */
    private static final String OPEN_HOOK = "tokenagent$openHook";
    private static final String MESSAGE_HEADER = "Lsun/net/www/MessageHeader;";
    private static final String POSTER = "Lsun/net/www/http/PosterOutputStream;";
    private static final String SERVER_AUTHENTICATION = "getServerAuthentication";
    private static final String SERVER_AUTHENTICATION_DESCRIPTOR = "(Lsun/net/www/protocol/http/AuthenticationHeader;)"
            + "Lsun/net/www/protocol/http/AuthenticationInfo;";
    private static final String UNAUTHORIZED_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
            + "Ljava/net/URL;Ljava/lang/String;Ljava/lang/Object;)Ljava/lang/Object;";

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
        // Loading, the class gets a method that opens the hook's reflective methods itself (OPEN_HOOK), and java.base
        // reads the hook by the edge the JVM adds to a module an agent rewrote: no module change, whose first costs
        // the JVM milliseconds of lambda bootstrap. Already loaded (no method can be added), or under a security
        // manager (which would refuse setAccessible to an application on the stack), the module grants access.
        @SuppressWarnings("removal")
        boolean opensItself = !context.isRedefining() && System.getSecurityManager() == null;
        if (!context.defineHook(HOOK.replace('/', '.'), loader, opensItself ? null : "java.base", "sun.net.www")) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        WriteRequestsRewriter rewriter = new WriteRequestsRewriter(writer, shape.hasField("responses", MESSAGE_HEADER)
                && shape.hasField("poster", POSTER)
                && shape.hasMethod(SERVER_AUTHENTICATION, SERVER_AUTHENTICATION_DESCRIPTOR), opensItself);
        reader.accept(rewriter, 0);
        return rewriter.rewritten ? writer.toByteArray() : null;
    }

    /**
     * Inserts the hook call before each {@code http.writeRequests(...)} inside {@code writeRequests()}, and the 401
     * hook's on the answer of {@code getServerAuthentication} in the response loop (where a version has them: else no
     * 401 recovery).
     */
    private static final class WriteRequestsRewriter extends ClassVisitor {
        private final boolean unauthorizedHook;
        private final boolean opensHook;
        boolean rewritten;

        WriteRequestsRewriter(ClassVisitor next, boolean unauthorizedHook, boolean opensHook) {
            super(Opcodes.ASM9, next);
            this.unauthorizedHook = unauthorizedHook;
            this.opensHook = opensHook;
        }

        @Override
        public void visitEnd() {
            if (opensHook) {
                addOpenHook(cv);
            }
            super.visitEnd();
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (unauthorizedHook && (name.equals("getInputStream0") || name.equals("getInputStream"))
                    && descriptor.equals("()Ljava/io/InputStream;")) {
                return new ResponseLoopRewriter(mv);
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
                        if (opensHook) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, TARGET, OPEN_HOOK, "()V", false);
                        }
                        thisField(mv, TARGET, "requests", MESSAGE_HEADER);
                        thisField(mv, TARGET, "userHeaders", MESSAGE_HEADER);
                        thisField(mv, "java/net/URLConnection", "url", "Ljava/net/URL;");
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

    /**
     * {@code private static void OPEN_HOOK() { AccessibleObject[] methods = UrlConnectionHook.toOpen(); try { if
     * (methods.length > 0) AccessibleObject.setAccessible(methods, true); } catch (Throwable t) { } }}: a class of
     * java.base may make the hook's {@code sun.net.www} methods accessible, the hook may not. Called before each
     * hook call; once they are open it finds nothing to open, so no security manager installed later is asked
     * about every request; and what one refuses leaves the request alone (the hook then reports its failure).
     */
    private static void addOpenHook(ClassVisitor cv) {
        MethodVisitor mv = cv.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, OPEN_HOOK,
                "()V", null, null);
        String methods = "[Ljava/lang/reflect/AccessibleObject;";
        Label start = new Label();
        Label end = new Label();
        Label done = new Label();
        Label refused = new Label();
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, refused, "java/lang/Throwable");
        mv.visitLabel(start);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "toOpen", "()" + methods, false);
        mv.visitVarInsn(Opcodes.ASTORE, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ARRAYLENGTH);
        mv.visitJumpInsn(Opcodes.IFEQ, done);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/reflect/AccessibleObject", "setAccessible",
                "(" + methods + "Z)V", false);
        mv.visitLabel(end);
        mv.visitLabel(done);
        mv.visitFrame(Opcodes.F_APPEND, 1, new Object[] {methods}, 0, null);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(refused);
        mv.visitFrame(Opcodes.F_FULL, 0, new Object[0], 1, new Object[] {"java/lang/Throwable"});
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(2, 1);
        mv.visitEnd();
    }

    /** Pushes {@code this.name}, the connection's field, onto the operand stack. */
    private static void thisField(MethodVisitor mv, String owner, String name, String descriptor) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, owner, name, descriptor);
    }

    /**
     * In the response loop, {@code serverAuthentication = getServerAuthentication(srvHdr); ... if
     * (serverAuthentication != null) continue;}: the hook takes the value the null test reads and gives it back, or
     * a non-null stand-in when the agent sends the request again. Only the test sees the stand-in (the variable and
     * the field keep the JDK's own null), and the branch it opens does not read either.
     */
    private static final class ResponseLoopRewriter extends MethodVisitor {
        /** The first null test after the call: javac puts only a store, the field write and a load in between. */
        private boolean afterServerAuthentication;

        ResponseLoopRewriter(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
            super.visitMethodInsn(opcode, owner, method, desc, itf);
            afterServerAuthentication = opcode == Opcodes.INVOKEVIRTUAL && TARGET.equals(owner)
                    && SERVER_AUTHENTICATION.equals(method) && SERVER_AUTHENTICATION_DESCRIPTOR.equals(desc);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (afterServerAuthentication && (opcode == Opcodes.IFNULL || opcode == Opcodes.IFNONNULL)) {
                thisField(mv, TARGET, "requests", MESSAGE_HEADER);
                thisField(mv, TARGET, "responses", MESSAGE_HEADER);
                thisField(mv, "java/net/URLConnection", "url", "Ljava/net/URL;");
                thisField(mv, "java/net/HttpURLConnection", "method", "Ljava/lang/String;");
                thisField(mv, TARGET, "poster", POSTER);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "unauthorized", UNAUTHORIZED_DESCRIPTOR, false);
            }
            afterServerAuthentication = false;
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + 5, maxLocals);
        }
    }
}
