package io.tokenagent.instrumentation;

import io.tokenagent.logging.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The agent's one {@link ClassFileTransformer}. It sees every class the JVM loads, so its common path is one hash
 * lookup of the class name; only the few target classes reach an instrumentation (and load ASM).
 */
public final class ClientTransformer implements ClassFileTransformer {

    private static final Logger log = Logs.get(ClientTransformer.class);

    private final InstrumentationContext context;
    private final Map<String, ClientInstrumentation> byTarget = new HashMap<String, ClientInstrumentation>();

    public ClientTransformer(InstrumentationContext context, Iterable<ClientInstrumentation> instrumentations) {
        this.context = context;
        for (ClientInstrumentation instrumentation : instrumentations) {
            for (String target : instrumentation.targetClasses()) {
                byTarget.put(target, instrumentation);
            }
        }
    }

    /** Registers this transformer and rewrites the target classes that were loaded before the agent started. */
    public void install(Instrumentation inst) {
        inst.addTransformer(this, true);
        Set<String> targets = new HashSet<String>();
        for (String internalName : byTarget.keySet()) {
            targets.add(internalName.replace('/', '.'));
        }
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (targets.contains(c.getName()) && inst.isModifiableClass(c)) {
                loaded.add(c);
            }
        }
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                log.warn("could not rewrite already-loaded {}, its requests go out without tokens: {}", c.getName(),
                        t.toString());
            }
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        ClientInstrumentation instrumentation = byTarget.get(className);
        if (instrumentation == null) {
            return null;
        }
        try {
            byte[] rewritten = instrumentation.transform(context, className, loader, classfileBuffer);
            if (rewritten == null) {
                log.debug("{}: left {} as it is (not a version this agent knows)", instrumentation.name(),
                        className);
            } else {
                log.debug("{}: instrumented {}", instrumentation.name(), className);
            }
            return rewritten;
        } catch (Throwable t) {
            // Whatever went wrong, the class loads unchanged: the application must never pay for our mistake.
            log.warn("{}: could not instrument {}, its requests go out without tokens: {}", instrumentation.name(),
                    className, t.toString());
            return null;
        }
    }
}
