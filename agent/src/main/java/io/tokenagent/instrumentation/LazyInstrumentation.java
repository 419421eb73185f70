package io.tokenagent.instrumentation;

/**
 * A client family declared by name, targets and root, whose {@link ClassRewrite} is created when the first of its
 * target classes loads: an application that uses one or two HTTP clients does not load, at every start, the
 * instrumentation classes of the other ten (and the ASM classes their verification loads).
 */
public final class LazyInstrumentation implements ClientInstrumentation {

    /** Creates a family's rewrite by the family's name (the registry, which knows every client package). */
    public interface Factory {
        ClassRewrite create(String family);
    }

    private final String name;
    private final String relocatableRoot;
    private final String[] targets;
    private final Factory factory;
    private ClassRewrite rewrite; // guarded by this

    public LazyInstrumentation(String name, String relocatableRoot, Factory factory, String... targets) {
        this.name = name;
        this.relocatableRoot = relocatableRoot;
        this.targets = targets;
        this.factory = factory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String[] targetClasses() {
        return targets.clone();
    }

    @Override
    public String relocatableRoot() {
        return relocatableRoot;
    }

    @Override
    public byte[] transform(InstrumentationContext context, String internalName, ClassLoader loader,
            byte[] classfile) throws Exception {
        return rewrite().transform(context, internalName, loader, classfile);
    }

    private synchronized ClassRewrite rewrite() {
        if (rewrite == null) {
            rewrite = factory.create(name);
        }
        return rewrite;
    }
}
