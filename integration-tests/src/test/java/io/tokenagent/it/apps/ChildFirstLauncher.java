package io.tokenagent.it.apps;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs an application class the way a servlet container runs a web application: in a child-first class loader of
 * its own, holding the client library, which the system class path (where the agent jar is) does not have.
 * Arguments: a directory of jars, the main class, then its arguments.
 */
public final class ChildFirstLauncher {

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(ChildFirstLauncher.class.getProtectionDomain().getCodeSource().getLocation());
        for (File jar : new File(args[0]).listFiles()) {
            urls.add(jar.toURI().toURL());
        }
        ClassLoader webapp = new URLClassLoader(urls.toArray(new URL[0]), ChildFirstLauncher.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null && (name.startsWith("org.apache.") || name.startsWith("io.tokenagent.it.apps."))) {
                        try {
                            c = findClass(name);
                        } catch (ClassNotFoundException notHere) {
                            c = null;
                        }
                    }
                    return c != null ? c : super.loadClass(name, resolve);
                }
            }
        };
        Thread.currentThread().setContextClassLoader(webapp);
        Class.forName(args[1], true, webapp).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
}
