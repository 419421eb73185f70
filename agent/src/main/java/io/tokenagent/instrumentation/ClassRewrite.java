package io.tokenagent.instrumentation;

/**
 * How one client family rewrites its target classes. The family itself (its name, target classes and relocatable
 * root) is declared in the agent's registry ({@code io.tokenagent.agent.Instrumentations}), which creates the
 * rewrite only when the first of those classes loads ({@link LazyInstrumentation}).
 */
public interface ClassRewrite {

    /**
     * Rewrites one target class. Returns null to leave it as it is: a version whose shape this instrumentation
     * does not know is skipped, never half-rewritten.
     *
     * @param loader the class's defining loader, null for the boot loader
     */
    byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader, byte[] classfile)
            throws Exception;
}
