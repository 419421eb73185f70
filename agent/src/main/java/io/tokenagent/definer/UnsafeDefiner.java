package io.tokenagent.definer;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.function.Function;

/**
 * Java 8's {@code sun.misc.Unsafe.defineClass(name, bytes, 0, length, loader, null)}, a method later JDKs removed
 * (they have {@link InternalUnsafeDefiner}). Reflective: on Java 8 a reflective call costs little.
 */
final class UnsafeDefiner implements Function<Object[], Class<?>> {

    private final Object unsafe;
    private final Method defineClass;

    UnsafeDefiner() throws ReflectiveOperationException {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        unsafe = theUnsafe.get(null);
        defineClass = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
    }

    /** {@code {name, class file bytes, loader (null: the boot loader)}}. */
    @Override
    public Class<?> apply(Object[] nameBytesLoader) {
        byte[] classfile = (byte[]) nameBytesLoader[1];
        try {
            return (Class<?>) defineClass.invoke(unsafe, nameBytesLoader[0], classfile, 0, classfile.length,
                    nameBytesLoader[2], null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
