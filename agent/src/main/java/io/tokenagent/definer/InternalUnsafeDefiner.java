package io.tokenagent.definer;

/**
 * Defines a class with {@code jdk.internal.misc.Unsafe.defineClass}, called directly (Java 9+). Compiled on its own
 * against the JDK's internal package (agent/pom.xml) and loaded alone in a private class loader whose module alone
 * gets that package exported (see {@link BootClassDefiner}), so that the application never gains access to it.
 * Reached through {@link java.util.function.Function}, a type that loader shares with the agent: a reflective call
 * instead costs the first start on JDK 18+ tens of milliseconds (reflection there spins method-handle classes for
 * the signature), over 60 ms measured on JDK 25.
 */
public final class InternalUnsafeDefiner implements java.util.function.Function<Object[], Class<?>> {

    /** {@code {name, class file bytes, loader (null: the boot loader)}}. */
    @Override
    public Class<?> apply(Object[] nameBytesLoader) {
        byte[] classfile = (byte[]) nameBytesLoader[1];
        return jdk.internal.misc.Unsafe.getUnsafe().defineClass((String) nameBytesLoader[0], classfile, 0,
                classfile.length, (ClassLoader) nameBytesLoader[2], null);
    }
}
