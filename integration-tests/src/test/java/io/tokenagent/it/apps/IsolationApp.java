package io.tokenagent.it.apps;

/**
 * An application that brings its own (older) Jackson, SLF4J and ASM, and prints which versions it sees, then
 * makes one request through {@link ClientApp}.
 */
public final class IsolationApp {

    public static void main(String[] args) throws Exception {
        System.out.println("JACKSON " + com.fasterxml.jackson.core.json.PackageVersion.VERSION);
        System.out.println("SLF4J " + where(Class.forName("org.slf4j.LoggerFactory")));
        System.out.println("ASM " + where(Class.forName("org.objectweb.asm.ClassReader")));
        System.out.println("ASM_HAS_V25 " + hasField(Class.forName("org.objectweb.asm.Opcodes"), "V25"));
        ClientApp.main(args);
    }

    private static String where(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation().getPath();
    }

    private static boolean hasField(Class<?> c, String name) {
        try {
            c.getField(name);
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
