package io.tokenagent.instrumentation;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The most common rewrite: a method's first act becomes a call to a static hook method with some of the method's
 * reference arguments (and, for a hook that may take the call over, a return when it did). Nothing else in the
 * class changes.
 */
public final class MethodEntryCall {

    private MethodEntryCall() {
    }

    /**
     * @param locals the local variable slots passed to the hook, in order (slot 1 is the first argument of an
     *     instance method); all must hold references
     */
    public static byte[] insert(ClassReader reader, String method, String descriptor, String hookOwner,
            String hookMethod, String hookDescriptor, int... locals) {
        return rewrite(reader, method, descriptor, hookOwner, hookMethod, hookDescriptor, (String) null, locals);
    }

    /**
     * The same for a {@code void} method and a hook returning {@code boolean}: when the hook returns true (it has
     * taken the call over), the method returns at once.
     */
    public static byte[] insertReturningIfTrue(ClassReader reader, String method, String descriptor,
            String hookOwner, String hookMethod, String hookDescriptor, int... locals) {
        return rewrite(reader, method, descriptor, hookOwner, hookMethod, hookDescriptor, RETURN_IF_TRUE, locals);
    }

    /**
     * The same for a method returning a reference and a hook returning one of that type ({@code returnType}, an
     * internal name): when the hook returns non-null (it has taken the call over), the method returns that.
     */
    public static byte[] insertReturningIfNonNull(ClassReader reader, String method, String descriptor,
            String hookOwner, String hookMethod, String hookDescriptor, String returnType, int... locals) {
        return rewrite(reader, method, descriptor, hookOwner, hookMethod, hookDescriptor, returnType, locals);
    }

    private static final String RETURN_IF_TRUE = "Z";

    /** @param returnWhen null: always go on; {@code "Z"}: return if true; a type: return the hook's result if non-null */
    private static byte[] rewrite(ClassReader reader, final String method, final String descriptor,
            final String hookOwner, final String hookMethod, final String hookDescriptor, final String returnWhen,
            final int... locals) {
        return new MethodRewrite(method, descriptor) {
            @Override
            protected MethodVisitor rewrite(MethodVisitor body) {
                return new MethodVisitor(Opcodes.ASM9, body) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        for (int local : locals) {
                            super.visitVarInsn(Opcodes.ALOAD, local);
                        }
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, hookOwner, hookMethod, hookDescriptor, false);
                        if (RETURN_IF_TRUE.equals(returnWhen)) {
                            Label proceed = new Label();
                            super.visitJumpInsn(Opcodes.IFEQ, proceed);
                            super.visitInsn(Opcodes.RETURN);
                            super.visitLabel(proceed);
                            super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
                        } else if (returnWhen != null) {
                            super.visitInsn(Opcodes.DUP);
                            Label proceed = new Label();
                            super.visitJumpInsn(Opcodes.IFNULL, proceed);
                            super.visitInsn(Opcodes.ARETURN);
                            super.visitLabel(proceed);
                            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {returnWhen});
                            super.visitInsn(Opcodes.POP);
                        }
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        super.visitMaxs(Math.max(maxStack, Math.max(locals.length, 2)), maxLocals);
                    }
                };
            }
        }.applyTo(reader);
    }
}
