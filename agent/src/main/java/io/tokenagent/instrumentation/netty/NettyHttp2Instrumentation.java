package io.tokenagent.instrumentation.netty;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.ClassRewrite;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * HTTP/2 clients built on Netty 4.1 and 4.2: Reactor Netty (and so Spring's WebClient) and Vert.x, over TLS (ALPN)
 * and h2c. Whichever way a client drives Netty's HTTP/2 codec ({@code Http2FrameCodec} and stream channels, or an
 * {@code Http2ConnectionHandler} of its own), every HEADERS frame it sends passes
 * {@code DefaultHttp2ConnectionEncoder}'s private {@code writeHeaders0}, with {@code :scheme}, {@code :authority}
 * and {@code :path}, and every DATA frame its {@code writeData}. The rewrite makes both ask
 * {@link NettyHttp2Hook} first and return the promise it returns when it took the write over. A Netty version
 * whose encoder lacks either method is left alone.
 */
public final class NettyHttp2Instrumentation implements ClassRewrite {

    public static final String TARGET = "io/netty/handler/codec/http2/DefaultHttp2ConnectionEncoder";
    private static final String CTX = "Lio/netty/channel/ChannelHandlerContext;";
    private static final String PROMISE = "Lio/netty/channel/ChannelPromise;";
    private static final String FUTURE = "io/netty/channel/ChannelFuture";
    private static final String HEADERS = "writeHeaders0";
    private static final String HEADERS_DESC = "(" + CTX + "ILio/netty/handler/codec/http2/Http2Headers;ZISZIZ"
            + PROMISE + ")L" + FUTURE + ";";
    private static final String DATA = "writeData";
    private static final String DATA_DESC = "(" + CTX + "ILio/netty/buffer/ByteBuf;IZ" + PROMISE + ")L" + FUTURE + ";";
    private static final String HOOK = "io/tokenagent/instrumentation/netty/NettyHttp2Hook";

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        ClassReader reader = new ClassReader(classfile);
        ClassShape shape = ClassShape.of(reader);
        if (loader == null || !shape.hasMethod(HEADERS, HEADERS_DESC) || !shape.hasMethod(DATA, DATA_DESC)
                || !shape.hasMethod("connection", "()Lio/netty/handler/codec/http2/Http2Connection;")) {
            return null;
        }
        byte[] result = hookFirst(new ClassReader(hookFirst(reader, HEADERS, HEADERS_DESC, "headers")), DATA,
                DATA_DESC, "data");
        NettyHttpInstrumentation.defineHooks(context, loader, HOOK);
        return result;
    }

    /**
     * {@code ChannelFuture taken = NettyHttp2Hook.<hook>(this, <every argument>); if (taken != null) return taken;}
     * at the start of the method.
     */
    private static byte[] hookFirst(ClassReader reader, String method, final String descriptor,
            final String hookMethod) {
        final Type[] arguments = Type.getArgumentTypes(descriptor);
        final String hookDescriptor = "(L" + TARGET + ";" + descriptor.substring(1);
        return new MethodRewrite(method, descriptor) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        super.visitVarInsn(Opcodes.ALOAD, 0);
                        int slot = 1;
                        for (Type argument : arguments) {
                            super.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
                            slot += argument.getSize();
                        }
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOK, hookMethod, hookDescriptor, false);
                        super.visitInsn(Opcodes.DUP);
                        Label proceed = new Label();
                        super.visitJumpInsn(Opcodes.IFNULL, proceed);
                        super.visitInsn(Opcodes.ARETURN);
                        super.visitLabel(proceed);
                        super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {FUTURE});
                        super.visitInsn(Opcodes.POP);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, arguments.length + 2), maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }
}
