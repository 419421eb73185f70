package io.tokenagent.definer;

import java.lang.reflect.Method;
import java.security.ProtectionDomain;

/**
 * Calls {@code Unsafe.defineClass(name, bytes, 0, length, null, null)}. On Java 9+ this class is loaded alone
 * in a private class loader (see {@link BootClassDefiner}), so it references nothing but the JDK.
 */
public final class UnsafeDefiner {

    private UnsafeDefiner() {
    }

    /** The {@code jdk.internal.misc.Unsafe} instance; callable once that package is exported to this class. */
    public static Object unsafe() throws Exception {
        return Class.forName("jdk.internal.misc.Unsafe").getMethod("getUnsafe").invoke(null);
    }

    public static Class<?> define(Object unsafe, String className, byte[] classfile, ClassLoader loader)
            throws Exception {
        Method define = unsafe.getClass().getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        return (Class<?>) define.invoke(unsafe, className, classfile, 0, classfile.length, loader, null);
    }
}
