package io.tokenagent.instrumentation.netty;

import io.tokenagent.instrumentation.ClassShape;
import io.tokenagent.instrumentation.MethodRewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Netty's HTTP/1.x decoder, {@code HttpObjectDecoder}, whose {@code decode} a client's {@code HttpResponseDecoder}
 * (and {@code HttpClientCodec}'s) inherits: at each of its returns, {@link NettyHttpHook#decoded} is told what it
 * decoded. How the agent hears of a 401 to a request that carried its header; nothing decoded is changed.
 */
final class NettyResponseRewrite {

    static final String TARGET = "io/netty/handler/codec/http/HttpObjectDecoder";
    private static final String DECODE = "(Lio/netty/channel/ChannelHandlerContext;Lio/netty/buffer/ByteBuf;"
            + "Ljava/util/List;)V";
    private static final String HOOK_DECODED = "(Lio/netty/handler/codec/http/HttpObjectDecoder;"
            + "Lio/netty/channel/ChannelHandlerContext;Ljava/util/List;)V";

    private NettyResponseRewrite() {
    }

    /** The rewritten class file, or null when {@code decode} is not the one this knows. */
    static byte[] apply(ClassReader reader, final String hook) {
        if (!ClassShape.of(reader).hasMethod("decode", DECODE)) {
            return null;
        }
        return new MethodRewrite("decode", DECODE) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.RETURN) {
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitVarInsn(Opcodes.ALOAD, 1); // ctx
                            super.visitVarInsn(Opcodes.ALOAD, 3); // out
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook, "decoded", HOOK_DECODED, false);
                        }
                        super.visitInsn(opcode);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, 3), maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }
}
