package io.tokenagent.instrumentation;

/**
 * The instrumentation of one HTTP client family, as the transformer sees it. The agent's registry
 * ({@code io.tokenagent.agent.Instrumentations}) lists them, most as a {@link LazyInstrumentation} declaring the
 * family and creating its {@link ClassRewrite} only when a target class loads; adding a client adds one package
 * under {@code io.tokenagent.instrumentation} and its line there.
 *
 * <p>Constructors must be trivial. Work (ASM, helper classes) happens in {@link #transform} when a target class is
 * loaded.
 */
public interface ClientInstrumentation extends ClassRewrite {

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
}
