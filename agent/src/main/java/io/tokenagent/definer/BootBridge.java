package io.tokenagent.definer;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.Remapper;

/**
 * Puts the bridge ({@code io.tokenagent.bootstrap}) into the boot class loader and the hooks that instrumented
 * classes call beside them, and grants JDK modules access to those hooks.
 *
 * <p>Started from {@code token-agent.jar} the agent's classes, the bridge's and the JDK clients' hooks among them,
 * are on the boot class path already (the manifest's {@code Boot-Class-Path}): nothing is defined, and the class
 * definer (whose export of {@code jdk.internal.misc} costs the JVM its first lambdas, milliseconds of every start)
 * is made only when a hook must go into another loader. Started from a jar of another name the agent runs from the
 * system class path, and the bridge is defined into the boot loader here, before any agent class that names it
 * loads: loaded through the agent's loader first, it would be a second copy that instrumented JDK classes never
 * see, which {@link #install} refuses.
 */
public final class BootBridge {

    /** Superinterfaces first: defining a class resolves its supertypes at once. */
    private static final String[] BRIDGE_CLASSES = {
        "io.tokenagent.bootstrap.HeaderRule",
        "io.tokenagent.bootstrap.HeaderProvider",
        "io.tokenagent.bootstrap.TokenAgentBridge",
        "io.tokenagent.bootstrap.HeldRequest",
        "io.tokenagent.bootstrap.RequestHeaders",
        "io.tokenagent.bootstrap.HeaderPolicy",
    };

    private final Instrumentation inst;
    /** Whether the agent's own classes are the boot loader's (started from {@code token-agent.jar}). */
    private final boolean onBootPath;
    private BootClassDefiner definer; // made at the first class to define

    private BootBridge(Instrumentation inst, BootClassDefiner definer) {
        this.inst = inst;
        this.onBootPath = BootBridge.class.getClassLoader() == null;
        this.definer = definer;
    }

    public static BootBridge install(Instrumentation inst) throws Exception {
        ClassLoader agentLoader = BootBridge.class.getClassLoader();
        if (agentLoader == null) {
            return new BootBridge(inst, null);
        }
        BootClassDefiner definer = BootClassDefiner.create(inst);
        for (String name : BRIDGE_CLASSES) {
            definer.define(name, BootClassDefiner.read(agentLoader, name.replace('.', '/') + ".class"), null);
        }
        for (String name : BRIDGE_CLASSES) {
            if (Class.forName(name, false, agentLoader).getClassLoader() != null) {
                throw new IllegalStateException(name + " was loaded by the agent's class loader before the bridge"
                        + " was defined in the boot loader");
            }
        }
        return new BootBridge(inst, definer);
    }

    private synchronized BootClassDefiner definer() throws Exception {
        if (definer == null) {
            definer = BootClassDefiner.create(inst);
        }
        return definer;
    }

    /**
     * Defines one of the agent's own classes (a hook) in the given loader, null for the boot loader: beside the
     * instrumented classes that call it. A hook may reference only what that loader sees, and the bridge. Its
     * nested and anonymous classes go into the same loader: left to be found through the loader's parents (the
     * agent jar on the system class path), they would sit in another runtime package, where a web application's
     * own loader gets an {@code IllegalAccessError} at the first call. Under the loader's definer lock, so
     * that a hook found defined has its nested classes defined too.
     *
     * @param relocation null, or the renaming that puts the hook (its own name included) beside a relocated copy
     *     of its client
     */
    public Class<?> defineHook(String className, ClassLoader loader, Remapper relocation) throws Exception {
        if (loader == null && relocation == null && onBootPath) {
            return Class.forName(className, false, null); // with its nested classes, found by name when used
        }
        String internalName = className.replace('.', '/');
        String definedName = relocation == null ? className : relocation.map(internalName).replace('/', '.');
        BootClassDefiner definer = definer();
        synchronized (definer.lockFor(loader)) {
            Class<?> known = definer.definedIn(definedName, loader); // with its nested classes
            if (known != null) {
                return known;
            }
            byte[] classfile = BootClassDefiner.read(BootBridge.class.getClassLoader(), internalName + ".class");
            Class<?> hook = definer.define(definedName,
                    relocation == null ? classfile : RenamedClassFile.of(classfile, relocation), loader);
            for (String nested : nestedClasses(className, classfile)) {
                defineHook(nested, loader, relocation);
            }
            return hook;
        }
    }

    /** The classes declared inside this one (its InnerClasses attribute also names outer and used classes). */
    private static List<String> nestedClasses(String className, byte[] classfile) {
        final String prefix = className.replace('.', '/') + "$";
        final List<String> nested = new ArrayList<String>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                if (name.startsWith(prefix) && name.indexOf('$', prefix.length()) < 0) {
                    nested.add(name.replace('/', '.'));
                }
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return nested;
    }

    /**
     * On Java 9+, lets a JDK module's classes call a hook, and the hook use the module's internal packages.
     * Returns false when the JVM has no such module. Nothing to do on Java 8.
     */
    public boolean grantAccess(String moduleName, Class<?> hook, String... packages) {
        return !JavaVersion.hasModules() || ModuleSupport.get().grantAccess(inst, moduleName, hook, packages);
    }
}
