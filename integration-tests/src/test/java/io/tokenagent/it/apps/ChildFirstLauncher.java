package io.tokenagent.it.apps;

import java.io.File;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs an application class the way a servlet container runs a web application: in a child-first class loader of
 * its own, holding the client library, which the system class path (where the agent jar is) does not have.
 * Arguments: a directory of jars, the main class, then its arguments.
 *
 * <p>With {@code -Dlauncher.deployments=N} it deploys the application N times, each in a new loader that it
 * closes and drops afterwards, as a container redeploying it would, and then prints
 * {@code LOADERS collected <k>/<N>}: how many of those loaders the garbage collector could reclaim.
 */
public final class ChildFirstLauncher {

    public static void main(String[] args) throws Exception {
        int deployments = Integer.getInteger("launcher.deployments", 1);
        List<WeakReference<ClassLoader>> dropped = new ArrayList<>();
        for (int i = 0; i < deployments; i++) {
            dropped.add(new WeakReference<>(deploy(args)));
        }
        if (deployments > 1) {
            int collected = 0;
            for (int attempt = 0; attempt < 50; attempt++) {
                System.gc();
                collected = (int) dropped.stream().filter(ref -> ref.get() == null).count();
                if (collected == deployments) {
                    break;
                }
                Thread.sleep(100);
            }
            System.out.println("LOADERS collected " + collected + "/" + deployments);
        }
    }

    /** Runs the application once in a loader of its own; returns the loader, closed. */
    private static ClassLoader deploy(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(ChildFirstLauncher.class.getProtectionDomain().getCodeSource().getLocation());
        for (File jar : new File(args[0]).listFiles()) {
            urls.add(jar.toURI().toURL());
        }
        URLClassLoader webapp = new URLClassLoader(urls.toArray(new URL[0]), ChildFirstLauncher.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null && !name.startsWith("java.") && !name.startsWith("javax.")
                            && !name.equals(ChildFirstLauncher.class.getName())) {
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
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(webapp);
        try {
            Class.forName(args[1], true, webapp).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } finally {
            thread.setContextClassLoader(previous);
            awaitApplicationThreads(5000);
            webapp.close();
        }
        return webapp;
    }

    /**
     * As a container lets an undeployed application finish, waits (bounded) for the non-daemon threads the
     * application left running: a client that stops its event loop after {@code close()} returns (AsyncHttpClient)
     * still loads classes as it closes its channels, and a loader closed under it leaves its event loop spinning on
     * "zip file closed" and the JVM never exits.
     */
    private static void awaitApplicationThreads(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long left = end - System.currentTimeMillis();
            if (t != Thread.currentThread() && !t.isDaemon() && t.isAlive() && left > 0
                    && !t.getName().equals("DestroyJavaVM")) {
                t.join(left);
            }
        }
    }
}
