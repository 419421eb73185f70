package io.tokenagent.bridge;

import java.lang.instrument.Instrumentation;

/**
 * Puts the bridge ({@code io.tokenagent.bootstrap}) and the hooks that instrumented JDK classes call into the boot
 * class loader, and grants JDK modules access to them.
 *
 * <p>The bridge's classes travel in the agent jar under {@value #BRIDGE_DIRECTORY}, where no class loader finds
 * them by name: the boot loader's copy is the only one. Agent classes that mention them must not be loaded before
 * {@link #install} has run.
 */
public final class BootBridge {

    static final String BRIDGE_DIRECTORY = "token-agent-bootstrap/";

    /** Superinterfaces first: defining a class resolves its supertypes at once. */
    private static final String[] BRIDGE_CLASSES = {
        "io.tokenagent.bootstrap.HeaderRule",
        "io.tokenagent.bootstrap.HeaderProvider",
        "io.tokenagent.bootstrap.TokenAgentBridge",
    };

    private final Instrumentation inst;
    private final BootClassDefiner definer;
    private final Class<?> bridgeClass;

    private BootBridge(Instrumentation inst, BootClassDefiner definer, Class<?> bridgeClass) {
        this.inst = inst;
        this.definer = definer;
        this.bridgeClass = bridgeClass;
    }

    public static BootBridge install(Instrumentation inst) throws Exception {
        BootClassDefiner definer = BootClassDefiner.create(inst);
        ClassLoader agentLoader = BootBridge.class.getClassLoader();
        Class<?> bridge = null;
        for (String name : BRIDGE_CLASSES) {
            bridge = definer.define(name,
                    BootClassDefiner.read(agentLoader, BRIDGE_DIRECTORY + name.replace('.', '/') + ".class"));
        }
        return new BootBridge(inst, definer, bridge);
    }

    /**
     * Defines one of the agent's own classes in the boot loader, for instrumented boot or platform classes to call.
     * Such a class may reference only the JDK and the bridge.
     */
    public Class<?> defineHook(String className) throws Exception {
        return definer.define(className,
                BootClassDefiner.read(BootBridge.class.getClassLoader(), className.replace('.', '/') + ".class"));
    }

    /**
     * On Java 9+, lets the JDK module's classes call the boot-loader hooks, and the hooks use the module's
     * internal packages. Returns false when the JVM has no such module. Nothing to do on Java 8.
     */
    public boolean grantAccess(String moduleName, String... packages) {
        return !JavaVersion.hasModules()
                || ModuleSupport.get().grantBootAccess(inst, moduleName, bridgeClass, packages);
    }
}
