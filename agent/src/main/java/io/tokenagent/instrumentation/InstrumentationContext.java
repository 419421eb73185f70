package io.tokenagent.instrumentation;

import io.tokenagent.definer.BootBridge;
import java.io.IOException;

/**
 * What an instrumentation may ask of the agent while it rewrites a class. Not final: the in-process rewrite tests
 * stand in for the agent's boot bridge. When the class is a relocated copy of its client, the context knows the
 * relocation: the instrumentation names the original types throughout.
 */
public class InstrumentationContext {

    private final BootBridge bootBridge;
    private final Relocation relocation; // null: the client's own packages
    private final boolean redefining;

    public InstrumentationContext(BootBridge bootBridge) {
        this(bootBridge, null, false);
    }

    private InstrumentationContext(BootBridge bootBridge, Relocation relocation, boolean redefining) {
        this.bootBridge = bootBridge;
        this.relocation = relocation;
        this.redefining = redefining;
    }

    /** The context for rewriting a copy of a client moved by that relocation. */
    InstrumentationContext relocated(Relocation moved) {
        return new InstrumentationContext(bootBridge, moved, redefining);
    }

    /** The context for rewriting a class already loaded (a retransformation), which must keep its members. */
    InstrumentationContext redefining() {
        return new InstrumentationContext(bootBridge, relocation, true);
    }

    /** Whether the class is already loaded: the rewrite may change method bodies only, adding no member. */
    public boolean isRedefining() {
        return redefining;
    }

    /**
     * Defines a hook class beside the instrumented class, in its loader (null: the boot loader), and on Java 9+
     * grants the JDK module the instrumented class belongs to (null for none) access to it, and it access to the
     * module's named packages. Named by string so that the agent's own loader never loads a copy. Returns false
     * when the module is not there. Beside a relocated copy, the hook is defined relocated with it.
     */
    public boolean defineHook(String className, ClassLoader loader, String moduleName, String... packages)
            throws Exception {
        Class<?> hook = bootBridge.defineHook(className, loader,
                relocation == null ? null : relocation.toRelocated());
        return moduleName == null || bootBridge.grantAccess(moduleName, hook, packages);
    }

    /**
     * The shape of another client class (by its original name) the rewrite relies on, as the loader would load it;
     * null when the loader has no such class.
     */
    public ClassShape shapeOf(ClassLoader loader, String internalName) throws IOException {
        return relocation == null ? ClassShape.ofResource(loader, internalName, null)
                : relocation.shapeOf(loader, internalName);
    }
}
