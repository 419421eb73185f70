package io.tokenagent.instrumentation;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which client families (each relocated copy a family of its own) each class loader has had instrumented, so that
 * a family none of whose classes could be rewritten is reported once per loader, and a family whose other target
 * classes are legitimately absent or left alone in a version is not reported at all. Only target classes reach
 * it. Loaders are held weakly: a web application undeployed is forgotten.
 */
final class UncoveredClients {

    private final Map<ClassLoader, Map<String, Boolean>> byLoader =
            new WeakHashMap<ClassLoader, Map<String, Boolean>>();
    private final Map<String, Boolean> bootLoader = new HashMap<String, Boolean>();

    synchronized void instrumented(String family, ClassLoader loader) {
        familiesOf(loader).put(family, Boolean.TRUE);
    }

    /** Whether this family had nothing instrumented nor reported in that loader yet: then it is reported now. */
    synchronized boolean firstLeftAlone(String family, ClassLoader loader) {
        Map<String, Boolean> families = familiesOf(loader);
        if (families.containsKey(family)) {
            return false;
        }
        families.put(family, Boolean.FALSE);
        return true;
    }

    private Map<String, Boolean> familiesOf(ClassLoader loader) {
        if (loader == null) {
            return bootLoader;
        }
        Map<String, Boolean> families = byLoader.get(loader);
        if (families == null) {
            families = new HashMap<String, Boolean>();
            byLoader.put(loader, families);
        }
        return families;
    }
}
