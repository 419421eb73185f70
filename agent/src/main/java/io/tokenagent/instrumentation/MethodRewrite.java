package io.tokenagent.instrumentation;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class file with the bodies of some of its methods rewritten and everything else copied as it was: a subclass
 * names the method ({@link #rewrites}) and wraps its body's visitor ({@link #rewrite}). Frames are not recomputed:
 * rewrites add straight-line code, or branches that declare their own frames.
 */
public abstract class MethodRewrite {

    private final String method;
    private final String descriptor;

    /** Rewrites the method of that name and descriptor. */
    protected MethodRewrite(String method, String descriptor) {
        this.method = method;
        this.descriptor = descriptor;
    }

    /** Whether the body of this method is rewritten; by default, the one method named at construction. */
    protected boolean rewrites(String name, String desc) {
        return method.equals(name) && descriptor.equals(desc);
    }

    /** The visitor that rewrites one method's body on its way to {@code body}. */
    protected abstract MethodVisitor rewrite(MethodVisitor body);

    /** Adds methods at the end of the class, through {@code out}; nothing by default. */
    protected void addMethods(ClassVisitor out) {
    }

    public final byte[] applyTo(ClassReader reader) {
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature,
                    String[] exceptions) {
                MethodVisitor body = super.visitMethod(access, name, desc, signature, exceptions);
                return body != null && rewrites(name, desc) ? rewrite(body) : body;
            }

            @Override
            public void visitEnd() {
                addMethods(cv);
                super.visitEnd();
            }
        }, 0);
        return writer.toByteArray();
    }
}
