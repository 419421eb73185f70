package io.tokenagent.definer;

/** Which Java the agent runs on, for the few places that differ. */
public final class JavaVersion {

    private static final boolean MODULES = !System.getProperty("java.specification.version", "1.8").startsWith("1.");

    private JavaVersion() {
    }

    /** Java 9 or later: the module system is there, and boot-loader classes need access granted explicitly. */
    public static boolean hasModules() {
        return MODULES;
    }
}
