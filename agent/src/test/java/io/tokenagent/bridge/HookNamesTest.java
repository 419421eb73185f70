package io.tokenagent.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HookNamesTest {

    /** A stand-in for a hook with a helper class of its own. */
    public static final class SampleHook {
        public static String call() {
            return new SampleHelper().get() + " from " + SampleHook.class.getName();
        }
    }

    static final class SampleHelper implements Supplier<String> {
        @Override
        public String get() {
            return "helper " + getClass().getName();
        }
    }

    @Test
    void aRenamedHookAndItsHelperRunUnderTheirNewNames() throws Exception {
        String hook = SampleHook.class.getName().replace('.', '/');
        String helper = SampleHelper.class.getName().replace('.', '/');
        Map<String, String> renames = Map.of(hook, HookNames.injected(hook), helper, HookNames.injected(helper));
        // A loader that, like a web application's, would find the originals through its parent: it must not matter.
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            {
                for (String name : renames.keySet()) {
                    byte[] renamed = HookNames.rename(read(name), renames);
                    defineClass(renames.get(name).replace('/', '.'), renamed, 0, renamed.length);
                }
            }
        };
        Class<?> injected = Class.forName(HookNames.injected(hook).replace('/', '.'), true, loader);
        assertEquals(loader, injected.getClassLoader());
        assertEquals("helper " + SampleHelper.class.getName() + "$$TokenAgentHook from " + SampleHook.class.getName()
                + "$$TokenAgentHook", injected.getMethod("call").invoke(null));
    }

    private static byte[] read(String internalName) throws Exception {
        try (InputStream in = HookNamesTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }
}
