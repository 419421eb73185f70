package io.tokenagent.instrumentation.netty;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodExitCall;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * HTTP/1.x clients built on Netty 4.1 and 4.2: Reactor Netty (and so Spring's WebClient), Vert.x and
 * AsyncHttpClient. Each request such a client sends, first attempt, retry or redirect hop, passes its channel's
 * {@code HttpRequestEncoder} as an {@code HttpRequest} with its final headers, just before it leaves: the one place
 * that sees every request with the origin it really goes to, whichever client built it. The rewrite makes
 * {@code HttpObjectEncoder.write} ask {@link NettyHttpHook} first; Netty versions that do not declare that method
 * (before 4.1.9x) get it added, calling the inherited one. Its decoder, {@code HttpObjectDecoder}, whose
 * {@code decode} a client's {@code HttpResponseDecoder} (and {@code HttpClientCodec}'s) inherits, tells the same hook
 * what it decoded (ctx and the output list, at each return): how the agent hears of a 401. Netty 4.0 is left alone.
 */
public final class NettyHttpInstrumentation implements ClassRewrite {

    public static final String TARGET = "io/netty/handler/codec/http/HttpObjectEncoder";
    /** The family's other target: the decoder, for the responses (a constant: the registry names it freely). */
    public static final String RESPONSE_TARGET = "io/netty/handler/codec/http/HttpObjectDecoder";
    private static final String SUPER = "io/netty/handler/codec/MessageToMessageEncoder";
    private static final String WRITE = "(Lio/netty/channel/ChannelHandlerContext;Ljava/lang/Object;"
            + "Lio/netty/channel/ChannelPromise;)V";
    private static final String HOOK = "io/tokenagent/instrumentation/netty/NettyHttpHook";
    private static final String DECODE = "(Lio/netty/channel/ChannelHandlerContext;Lio/netty/buffer/ByteBuf;"
            + "Ljava/util/List;)V";
    private static final String HOOK_DECODED = "(Lio/netty/handler/codec/http/HttpObjectDecoder;"
            + "Lio/netty/channel/ChannelHandlerContext;Ljava/util/List;)V";
    private static final String HOOK_WRITE = "(Lio/netty/handler/codec/http/HttpObjectEncoder;"
            + "Lio/netty/channel/ChannelHandlerContext;Ljava/lang/Object;Lio/netty/channel/ChannelPromise;)Z";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        if (RESPONSE_TARGET.equals(internalName)) {
            if (loader == null || !ClassShape.of(reader).hasMethod("decode", DECODE)
                    || !isNetty41OrLater(context, loader)) {
                return null;
            }
            byte[] result = MethodExitCall.insert(reader, "decode", DECODE, HOOK, "decoded", HOOK_DECODED, null, 0, 1, 3);
            defineHooks(context, loader, HOOK);
            return result;
        }
        if (loader == null || !SUPER.equals(reader.getSuperName()) || !isNetty41OrLater(context, loader)) {
            return null;
        }
        final boolean declared = ClassShape.of(reader).hasMethod("write", WRITE);
        byte[] result = new MethodRewrite("write", WRITE) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        returnIfHookTookIt(mv);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, 4), maxLocals);
                    }
                };
            }

            @Override
            protected void addMethods(ClassVisitor out) {
                if (!declared) {
                    // public void write(ctx, msg, promise) { if (hook.write(this, ...)) return; super.write(...); }
                    MethodVisitor mv = out.visitMethod(Opcodes.ACC_PUBLIC, "write", WRITE, null,
                            new String[] {"java/lang/Exception"});
                    mv.visitCode();
                    returnIfHookTookIt(mv);
                    for (int local = 0; local <= 3; local++) {
                        mv.visitVarInsn(Opcodes.ALOAD, local);
                    }
                    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, SUPER, "write", WRITE, false);
                    mv.visitInsn(Opcodes.RETURN);
                    mv.visitMaxs(4, 4);
                    mv.visitEnd();
                }
            }
        }.applyTo(reader);
        defineHooks(context, loader, HOOK);
        return result;
    }

    /** Defines {@code hook} (an internal name) in {@code loader}, after the classes both Netty hooks use. */
    static void defineHooks(InstrumentationContext context, ClassLoader loader, String hook) throws Exception {
        context.defineHook("io.tokenagent.instrumentation.netty.NettyRequestTarget", loader, null);
        context.defineHook("io.tokenagent.instrumentation.netty.HeldOnEventLoop", loader, null);
        context.defineHook(hook.replace('/', '.'), loader, null);
    }

    /** {@code if (NettyHttpHook.write(this, ctx, msg, promise)) return;} at the start of a method. */
    private static void returnIfHookTookIt(MethodVisitor mv) {
        for (int local = 0; local <= 3; local++) {
            mv.visitVarInsn(Opcodes.ALOAD, local);
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, "write", HOOK_WRITE, false);
        Label write = new Label();
        mv.visitJumpInsn(Opcodes.IFEQ, write);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(write);
        mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
    }

    /** Netty 4.0's API differs (no {@code HttpRequest.uri()}); its clients are not supported. */
    private static boolean isNetty41OrLater(InstrumentationContext context, ClassLoader loader) throws Exception {
        ClassShape request = context.shapeOf(loader, "io/netty/handler/codec/http/HttpRequest");
        return request != null && request.hasMethod("uri", "()Ljava/lang/String;");
    }
}
