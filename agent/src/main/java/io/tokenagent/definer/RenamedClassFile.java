package io.tokenagent.definer;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/** A class file with its type names (its own included) changed by a remapper, and nothing else. */
public final class RenamedClassFile {

    private RenamedClassFile() {
    }

    public static byte[] of(byte[] classfile, Remapper remapper) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(classfile).accept(new ClassRemapper(writer, remapper), 0);
        return writer.toByteArray();
    }
}
