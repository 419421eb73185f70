package io.tokenagent.definer;

import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link ModuleSupport} with the Java 9+ API. */
final class ModuleSupportJava11 extends ModuleSupport {

    @Override
    public void exportJdkInternalMisc(Instrumentation inst, Class<?> definer) {
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(definer.getModule())),
                Map.of(), Set.of(), Map.of());
    }

    @Override
    public boolean grantAccess(Instrumentation inst, String moduleName, Class<?> hook, String... packages) {
        Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
        if (module.isEmpty()) {
            return false;
        }
        Module target = hook.getModule();
        Map<String, Set<Module>> access = new HashMap<>();
        for (String pkg : packages) {
            access.put(pkg, Set.of(target));
        }
        // Opened as well as exported: a few of the JDK members the hooks call are not public.
        inst.redefineModule(module.get(), Set.of(target), access, access, Collections.emptySet(), Map.of());
        return true;
    }
}
