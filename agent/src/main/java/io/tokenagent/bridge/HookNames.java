package io.tokenagent.bridge;

import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

/**
 * The names hooks are defined under in an application's class loader.
 *
 * <p>Why a name of their own: the agent jar is on the system class path, and most class loaders ask their parent
 * first. Under its own name, a hook defined in a web application's or a Spring Boot jar's loader would lose to the
 * system loader's copy, which cannot see the client's classes, and the first request would fail to link. No loader
 * finds {@code Foo$$TokenAgentHook} anywhere but where the agent defined it.
 */
public final class HookNames {

    private static final String SUFFIX = "$$TokenAgentHook";

    private HookNames() {
    }

    /** The internal name instrumented code calls for a hook class of this internal name. */
    public static String injected(String internalName) {
        return internalName + SUFFIX;
    }

    /** The class file with every name in {@code renames} (internal names, old to new) replaced. */
    static byte[] rename(byte[] classfile, Map<String, String> renames) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(renames)), 0);
        return writer.toByteArray();
    }
}
