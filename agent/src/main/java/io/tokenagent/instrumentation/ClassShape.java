package io.tokenagent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The fields and methods a class declares, read before rewriting it: an instrumentation checks that everything
 * its inserted code refers to is there, and skips a version that differs rather than break it.
 */
public final class ClassShape {

    private final Set<String> fields = new HashSet<String>();
    private final Set<String> methods = new HashSet<String>();

    private ClassShape() {
    }

    public static ClassShape of(ClassReader reader) {
        return of(reader, null);
    }

    /** The shape with every type name passed through the remapper (null: as they are). */
    private static ClassShape of(ClassReader reader, Remapper remapper) {
        final ClassShape shape = new ClassShape();
        ClassVisitor recorder = new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                shape.fields.add(name + ' ' + descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                shape.methods.add(name + descriptor);
                return null;
            }
        };
        reader.accept(remapper == null ? recorder : new ClassRemapper(recorder, remapper),
                ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return shape;
    }

    /**
     * The shape of another class the instrumented code relies on, as the given loader would load it; null when the
     * loader has no such class. Instrumentations ask {@link InstrumentationContext#shapeOf}, which knows whether
     * the client is relocated.
     */
    static ClassShape ofResource(ClassLoader loader, String internalName, Remapper remapper) throws IOException {
        InputStream in = loader.getResourceAsStream(internalName + ".class");
        if (in == null) {
            return null;
        }
        try {
            return of(new ClassReader(in), remapper);
        } finally {
            in.close();
        }
    }

    public boolean hasField(String name, String descriptor) {
        return fields.contains(name + ' ' + descriptor);
    }

    public boolean hasMethod(String name, String descriptor) {
        return methods.contains(name + descriptor);
    }
}
