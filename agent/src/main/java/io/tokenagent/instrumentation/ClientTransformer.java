package io.tokenagent.instrumentation;

import io.tokenagent.logging.Logs;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.CodeSource;
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
 * lookup of the class name and, for classes outside the boot loader, one of its last four characters for
 * relocated copies ({@link RelocatedTargets}); only the few target classes reach an instrumentation (and load
 * ASM). A client family whose classes load but cannot be rewritten is reported once per loader at {@code warn}.
 */
public final class ClientTransformer implements ClassFileTransformer {

    private static final Logger log = Logs.get(ClientTransformer.class);

    private final InstrumentationContext context;
    private final Map<String, ClientInstrumentation> byTarget = new HashMap<String, ClientInstrumentation>();
    private final RelocatedTargets relocatedTargets;
    private final UncoveredClients uncovered = new UncoveredClients();

    public ClientTransformer(InstrumentationContext context, Iterable<ClientInstrumentation> instrumentations) {
        this.context = context;
        this.relocatedTargets = new RelocatedTargets(instrumentations);
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
            boolean target = targets.contains(c.getName()) || c.getClassLoader() != null
                    && relocatedTargets.find(c.getName().replace('.', '/')) != null;
            if (target && inst.isModifiableClass(c)) {
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
        InstrumentationContext now = classBeingRedefined == null ? context : context.redefining();
        ClientInstrumentation instrumentation = byTarget.get(className);
        if (instrumentation != null) {
            return rewrite(now, instrumentation, className, null, true, loader, protectionDomain, classfileBuffer);
        }
        RelocatedTargets.Match copy = loader == null ? null : relocatedTargets.find(className);
        if (copy == null) {
            return null;
        }
        return rewrite(now, copy.instrumentation, copy.originalName, copy.relocation, copy.distinctive, loader,
                protectionDomain, classfileBuffer);
    }

    /**
     * @param relocation null for the client's own packages
     * @param distinctive whether the class, when left alone, is surely the family's (and so reported)
     */
    private byte[] rewrite(InstrumentationContext classContext, ClientInstrumentation instrumentation,
            String originalName, Relocation relocation, boolean distinctive, ClassLoader loader,
            ProtectionDomain protectionDomain, byte[] classfile) {
        String family = relocation == null ? instrumentation.name()
                : instrumentation.name() + " relocated to " + relocation.packageName();
        try {
            byte[] rewritten;
            if (relocation == null) {
                rewritten = instrumentation.transform(classContext, originalName, loader, classfile);
            } else {
                byte[] original = instrumentation.transform(classContext.relocated(relocation), originalName, loader,
                        relocation.originalClassFile(classfile));
                rewritten = original == null ? null : relocation.relocatedClassFile(original);
            }
            if (rewritten != null) {
                log.debug("{}: instrumented {}", family, originalName);
                uncovered.instrumented(family, loader);
            } else if (distinctive && uncovered.firstLeftAlone(family, loader)) {
                log.warn("{}: {} is not a version this agent can instrument, matched requests through it go out "
                        + "without a token", family, where(protectionDomain));
            } else {
                log.debug("{}: left {} as it is (not a version this agent knows)", family, originalName);
            }
            return rewritten;
        } catch (Throwable t) {
            // Whatever went wrong, the class loads unchanged: the application must never pay for our mistake.
            log.warn("{}: could not instrument {}, its requests go out without tokens: {}", family, originalName,
                    t.toString());
            return null;
        }
    }

    /** Where the client's classes come from (a jar's name usually gives its version). */
    private static String where(ProtectionDomain protectionDomain) {
        CodeSource source = protectionDomain == null ? null : protectionDomain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location == null ? "the copy of unknown location" : "the copy at " + location;
    }
}
