package io.tokenagent.instrumentation;

/**
 * The instrumentation of one HTTP client family. Implementations are listed in the agent's registry
 * ({@code io.tokenagent.agent.Instrumentations}); adding a client adds one package under
 * {@code io.tokenagent.instrumentation} and one line there.
 *
 * <p>Constructors must be trivial: every instrumentation is created at start, whether or not the application uses
 * its client. Work (ASM, helper classes) happens in {@link #transform} when a target class is loaded.
 */
public interface ClientInstrumentation {

    /** A short name for logs, e.g. {@code urlconnection}. */
    String name();

    /** The internal names ({@code java/net/Foo}) of the classes this rewrites. */
    String[] targetClasses();

    /**
     * The package the targets, and every client type the rewrite and the hooks name, are under (an internal name
     * ending in {@code /}, e.g. {@code org/apache/http/}), which a shaded copy relocates as a whole: a class whose
     * name ends with a target's path below it is rewritten as a relocated copy (see {@link RelocatedTargets}).
     * Null for clients that cannot be relocated (the JDK's), or whose hooks name client classes in strings, which
     * the renaming does not reach.
     */
    String relocatableRoot();

    /**
     * Rewrites one target class. Returns null to leave it as it is: a version whose shape this instrumentation
     * does not know is skipped, never half-rewritten.
     *
     * @param loader the class's defining loader, null for the boot loader
     */
    byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader, byte[] classfile)
            throws Exception;
}
