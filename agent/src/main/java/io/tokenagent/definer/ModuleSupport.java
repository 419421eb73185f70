package io.tokenagent.definer;

import java.lang.instrument.Instrumentation;

/**
 * What the agent needs from the module system (Java 9+). Implemented in the Java 11 source set and loaded only
 * on JVMs that have modules, so the rest of the agent stays Java 8 bytecode.
 */
public abstract class ModuleSupport {

    private static ModuleSupport instance;

    /** Exports {@code java.base/jdk.internal.misc} to the unnamed module of {@code definer}'s loader only. */
    public abstract void exportJdkInternalMisc(Instrumentation inst, Class<?> definer);

    /**
     * Lets classes of a JDK module call a hook, and lets the hook use the named packages of that module. Returns
     * false when the JVM has no such module.
     *
     * @param hook a class the agent defined; the grant is to its loader's unnamed module
     */
    public abstract boolean grantAccess(Instrumentation inst, String moduleName, Class<?> hook, String... packages);

    public static synchronized ModuleSupport get() {
        if (instance == null) {
            try {
                instance = (ModuleSupport) Class.forName("io.tokenagent.definer.ModuleSupportJava11")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the agent jar is missing its Java 11 classes", e);
            }
        }
        return instance;
    }
}
