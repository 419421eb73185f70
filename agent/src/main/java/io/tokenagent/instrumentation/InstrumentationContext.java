package io.tokenagent.instrumentation;

import io.tokenagent.definer.BootBridge;

/**
 * What an instrumentation may ask of the agent while it rewrites a class. Not final: the in-process rewrite tests
 * stand in for the agent's boot bridge.
 */
public class InstrumentationContext {

    private final BootBridge bootBridge;

    public InstrumentationContext(BootBridge bootBridge) {
        this.bootBridge = bootBridge;
    }

    /**
     * Defines a hook class beside the instrumented class, in its loader (null: the boot loader), and on Java 9+
     * grants the JDK module the instrumented class belongs to (null for none) access to it, and it access to the
     * module's named packages. Named by string so that the agent's own loader never loads a copy. Returns false
     * when the module is not there.
     */
    public boolean defineHook(String className, ClassLoader loader, String moduleName, String... packages)
            throws Exception {
        Class<?> hook = bootBridge.defineHook(className, loader);
        return moduleName == null || bootBridge.grantAccess(moduleName, hook, packages);
    }
}
