package io.tokenagent.instrumentation;

import io.tokenagent.bridge.BootBridge;

/** What an instrumentation may ask of the agent while it rewrites a class. */
public final class InstrumentationContext {

    private final BootBridge bootBridge;

    public InstrumentationContext(BootBridge bootBridge) {
        this.bootBridge = bootBridge;
    }

    /**
     * Defines a hook class in the boot loader (JDK targets see nothing else); see {@link BootBridge}. Named by
     * string so that the agent's own loader never loads a copy of it.
     */
    public void defineBootHook(String className) throws Exception {
        bootBridge.defineHook(className);
    }

    /** See {@link BootBridge#grantAccess}. */
    public boolean grantBootAccess(String moduleName, String... packages) {
        return bootBridge.grantAccess(moduleName, packages);
    }
}
