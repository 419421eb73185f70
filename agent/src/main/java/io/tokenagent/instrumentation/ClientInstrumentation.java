package io.tokenagent.instrumentation;

/**
 * The instrumentation of one HTTP client family. Implementations are listed in {@link Instrumentations}; adding a
 * client adds one package under {@code io.tokenagent.instrumentation} and one line there.
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
     * Rewrites one target class. Returns null to leave it as it is: a version whose shape this instrumentation
     * does not know is skipped, never half-rewritten.
     *
     * @param loader the class's defining loader, null for the boot loader
     */
    byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader, byte[] classfile)
            throws Exception;
}
