package io.tokenagent.instrumentation;

import io.tokenagent.agent.Instrumentations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Every rewrite, in-process, on the real client classes the agent compiles against (its {@code provided} jars) and
 * on the running JDK's: the instrumentation accepts the class, the result verifies no worse than the original
 * (ASM's {@link CheckClassAdapter}), a client class loads and initialises, and every hook method it now calls is
 * declared by the hook class with that name and descriptor, read from the hook class itself. A mismatch would
 * otherwise be a {@code NoSuchMethodError} inside an application's request. Jetty, which the agent calls only
 * reflectively and does not compile against, is left to the integration tests.
 */
class RewriteTest {

    /** Defines no hook: the test loader already sees the hook classes, beside the client classes. */
    private static final InstrumentationContext NO_DEFINITION = new InstrumentationContext(null) {
        @Override
        public boolean defineHook(String className, ClassLoader loader, String moduleName, String... packages) {
            return true;
        }
    };

    static Stream<Arguments> targets() {
        List<Arguments> all = new ArrayList<>();
        for (ClientInstrumentation instrumentation : Instrumentations.all()) {
            for (String target : instrumentation.targetClasses()) {
                all.add(Arguments.of(instrumentation.name(), target, instrumentation));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("targets")
    void theRewriteVerifiesLoadsAndCallsOnlyHookMethodsThatExist(String name, String target,
            ClientInstrumentation instrumentation) throws Exception {
        byte[] original = read(target);
        assumeTrue(original != null, target + " is not on the agent's test class path (see the ITs)");
        boolean jdk = target.startsWith("java/") || target.startsWith("sun/") || target.startsWith("jdk/");
        ClassLoader loader = jdk ? (target.startsWith("jdk/") ? ClassLoader.getPlatformClassLoader() : null)
                : RewriteTest.class.getClassLoader();

        byte[] rewritten = instrumentation.transform(NO_DEFINITION, target, loader, original);

        assertNotNull(rewritten, name + " refused the version the agent compiles against");
        assertEquals(problems(original), problems(rewritten), "the rewrite added verification problems");
        List<String[]> calls = hookCalls(rewritten);
        assertFalse(calls.isEmpty(), "no hook call in the rewritten " + target);
        for (String[] call : calls) {
            assertTrue(declares(Class.forName(call[0].replace('/', '.')), call[1], call[2]),
                    call[0] + " declares no static " + call[1] + call[2]);
        }
        if (!jdk) {
            Class.forName(target.replace('/', '.'), true, new Rewritten(target, rewritten));
        }
    }

    private static byte[] read(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static String problems(byte[] classfile) {
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(classfile), RewriteTest.class.getClassLoader(), false,
                new PrintWriter(out));
        return out.toString();
    }

    /** Every {@code invokestatic} into the agent's own classes: owner, name, descriptor. */
    private static List<String[]> hookCalls(byte[] classfile) {
        List<String[]> calls = new ArrayList<>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.startsWith("io/tokenagent/")) {
                            assertEquals(Opcodes.INVOKESTATIC, opcode, owner + "." + method);
                            calls.add(new String[] {owner, method, desc});
                        }
                    }
                };
            }
        }, 0);
        return calls;
    }

    private static boolean declares(Class<?> hook, String name, String descriptor) {
        for (Method method : hook.getDeclaredMethods()) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && java.lang.reflect.Modifier.isStatic(method.getModifiers())
                    && java.lang.reflect.Modifier.isPublic(method.getModifiers())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rewritten class, with the rest of its package defined anew beside it (child first), so that it keeps
     * package access to its neighbours as in the client's own loader.
     */
    private static final class Rewritten extends ClassLoader {
        private final String target;
        private final String packagePrefix;
        private final byte[] classfile;

        Rewritten(String target, byte[] classfile) {
            super(RewriteTest.class.getClassLoader());
            this.target = target.replace('/', '.');
            this.packagePrefix = this.target.substring(0, this.target.lastIndexOf('.') + 1);
            this.classfile = classfile;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith(packagePrefix) && name.indexOf('.', packagePrefix.length()) < 0) {
                    byte[] bytes;
                    try {
                        bytes = name.equals(target) ? classfile : read(name.replace('.', '/'));
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                    if (bytes != null) {
                        c = defineClass(name, bytes, 0, bytes.length);
                    }
                }
                if (c == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
