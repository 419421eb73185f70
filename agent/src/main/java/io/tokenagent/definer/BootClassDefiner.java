package io.tokenagent.definer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines classes directly in a class loader: the bridge in the boot loader, hooks beside the classes that call them.
 *
 * <p>Why not {@code Instrumentation.appendToBootstrapClassLoaderSearch}: it makes HotSpot print a class-data
 * sharing warning at every start and puts a whole jar on the boot class path. We define the handful of classes
 * instrumented code needs, one by one, with {@code Unsafe.defineClass} and a null loader. On Java 9+ that method
 * lives in {@code jdk.internal.misc}, which we export only to a private class loader's unnamed module holding one
 * small class ({@link InternalUnsafeDefiner}), so the application never gains access to it; on Java 8, sun.misc's
 * ({@link UnsafeDefiner}).
 */
public final class BootClassDefiner {

    /** Stands for the boot loader, which has no object, as a key. */
    private static final Object BOOT = new Object();

    /** {@code {name, class file bytes, loader}} to the class defined. */
    private final Function<Object[], Class<?>> define;
    /**
     * Names only, under weak keys: a class loader that goes away (an application redeployed) is not held here,
     * as it would be by a value referencing one of its classes.
     */
    private final Map<Object, Set<String>> defined = new WeakHashMap<Object, Set<String>>();

    private BootClassDefiner(Function<Object[], Class<?>> define) {
        this.define = define;
    }

    @SuppressWarnings("unchecked")
    public static BootClassDefiner create(Instrumentation inst) throws Exception {
        if (!JavaVersion.hasModules()) {
            return new BootClassDefiner(new UnsafeDefiner());
        }
        Class<?> definer = new DefinerLoader().defineDefiner();
        ModuleSupport.get().exportJdkInternalMisc(inst, definer);
        return new BootClassDefiner((Function<Object[], Class<?>>) definer.getDeclaredConstructor().newInstance());
    }

    /**
     * Defines the class in the loader (null: the boot loader) unless this definer already did; returns it either
     * way. Records what it defined rather than asking the loader, which could find a copy on the class path.
     */
    public Class<?> define(String className, byte[] classfile, ClassLoader loader) throws Exception {
        Set<String> names = namesIn(loader);
        synchronized (names) {
            Class<?> known = definedIn(className, loader);
            if (known != null) {
                return known;
            }
            Class<?> created = define.apply(new Object[] {className, classfile, loader});
            names.add(className);
            return created;
        }
    }

    /** The class this definer defined in the loader under that name, or null when it did not. */
    public Class<?> definedIn(String className, ClassLoader loader) throws ClassNotFoundException {
        Set<String> names = namesIn(loader);
        synchronized (names) {
            // the loader's own, already defined: found first
            return names.contains(className) ? Class.forName(className, false, loader) : null;
        }
    }

    /**
     * What is defined into one loader is defined under a lock of that loader's, never a global one: defining calls
     * into the loader (resolving supertypes), and a thread loading a class of another loader, holding that loader's
     * own lock, may be waiting to define a hook there. One lock for all would let those two wait for each other.
     */
    public Object lockFor(ClassLoader loader) {
        return namesIn(loader);
    }

    private Set<String> namesIn(ClassLoader loader) {
        synchronized (defined) {
            Set<String> names = defined.get(loader == null ? BOOT : loader);
            if (names == null) {
                names = new HashSet<String>();
                defined.put(loader == null ? BOOT : loader, names);
            }
            return names;
        }
    }

    /**
     * A class file of the agent's. Read straight from the agent jar when running from one: going through the class
     * loader's URL and JarURLConnection machinery cost several milliseconds of every start.
     */
    static byte[] read(ClassLoader loader, String resource) throws IOException {
        JarFile jar = agentJar();
        InputStream in;
        if (jar != null) {
            JarEntry entry = jar.getJarEntry(resource);
            in = entry == null ? null : jar.getInputStream(entry);
        } else {
            in = loader == null ? ClassLoader.getSystemResourceAsStream(resource) : loader.getResourceAsStream(resource);
        }
        if (in == null) {
            throw new IOException("missing from the agent jar: " + resource);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            in.close();
        }
    }

    private static JarFile agentJar;
    private static boolean agentJarLooked;

    /** The jar the agent runs from, kept open for the hooks defined later; null when it runs from directories. */
    private static synchronized JarFile agentJar() {
        if (!agentJarLooked) {
            agentJarLooked = true;
            try {
                java.security.CodeSource source = BootClassDefiner.class.getProtectionDomain().getCodeSource();
                String path = source != null ? new java.io.File(source.getLocation().toURI()).getPath()
                        : bootJarPath();
                if (path != null && path.endsWith(".jar")) {
                    agentJar = new JarFile(path, false);
                }
            } catch (Exception e) {
                agentJar = null; // the class loader's way still works
            }
        }
        return agentJar;
    }

    /**
     * The jar of the agent's classes when the boot loader loaded them (the manifest's {@code Boot-Class-Path}): boot
     * classes have no code source, and the boot loader names its jar in a resource's URL
     * ({@code jar:file:/dir/token-agent.jar!/io/...}). Null when it does not.
     */
    private static String bootJarPath() throws java.net.URISyntaxException {
        java.net.URL url = ClassLoader.getSystemResource(BootClassDefiner.class.getName().replace('.', '/') + ".class");
        String spec = url == null ? "" : url.toString();
        int end = spec.indexOf("!/");
        if (!spec.startsWith("jar:file:") || end < 0) {
            return null;
        }
        return new java.io.File(new java.net.URI(spec.substring("jar:".length(), end))).getPath();
    }

    /** A loader of its own for {@link InternalUnsafeDefiner}, so that its unnamed module is one nobody else is in. */
    private static final class DefinerLoader extends ClassLoader {
        DefinerLoader() {
            super(null);
        }

        Class<?> defineDefiner() throws IOException {
            String name = "io.tokenagent.definer.InternalUnsafeDefiner"; // by name: the agent loader loads no copy
            byte[] bytes = read(BootClassDefiner.class.getClassLoader(), name.replace('.', '/') + ".class");
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
