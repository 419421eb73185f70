package io.tokenagent.instrumentation;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A method that returns a reference hands what it returns, at each of its returns, to a static hook method with some
 * of its local variables, and returns what the hook returns instead: how a hook sees a client's response and may
 * answer with another. A {@code void} method calls the hook with the locals alone, at each return. Straight-line
 * code before each {@code ARETURN} or {@code RETURN}; nothing else in the class changes.
 */
public final class MethodExitCall {

    private MethodExitCall() {
    }

    /**
     * @param hookDescriptor takes the returned value, then the locals; returns a value of a type that the method may
     *     return, or one {@code castTo} (an internal name, or null for none) makes so. For a {@code void} method:
     *     takes the locals, returns {@code void}
     * @param locals the local variable slots passed after the returned value (0 is {@code this}); all references
     *     that are never reassigned in the method
     */
    public static byte[] insert(ClassReader reader, String method, String descriptor, final String hookOwner,
            final String hookMethod, final String hookDescriptor, final String castTo, final int... locals) {
        return new MethodRewrite(method, descriptor) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.ARETURN || opcode == Opcodes.RETURN) {
                            for (int local : locals) {
                                super.visitVarInsn(Opcodes.ALOAD, local);
                            }
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, hookMethod, hookDescriptor, false);
                            if (castTo != null) {
                                super.visitTypeInsn(Opcodes.CHECKCAST, castTo);
                            }
                        }
                        super.visitInsn(opcode);
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, 1) + locals.length, maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }
}
