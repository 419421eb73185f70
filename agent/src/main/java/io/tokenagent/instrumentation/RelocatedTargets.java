package io.tokenagent.instrumentation;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds relocated (shaded) copies of the target classes: a class whose internal name ends with a target's path
 * below its instrumentation's root, after a package prefix of its own
 * ({@code org/apache/maven/wagon/providers/http/httpclient/impl/execchain/MainClientExec} for
 * {@code org/apache/http/impl/execchain/MainClientExec}). Every class the JVM loads passes here, so the common
 * path is a few character reads and no allocation: the name's last four characters pick a slot of a small table,
 * and only a class that ends as a target does gets the suffix test. A match is a candidate only: the
 * instrumentation's shape check decides, so a namesake in an unrelated library is left alone.
 */
final class RelocatedTargets {

    /** The agent's own relocated libraries are never a client's copy. */
    private static final String AGENT = "io/tokenagent/";
    private static final int ENDING = 4;

    /** A target, by the path below its root. */
    private static final class Target {
        final ClientInstrumentation instrumentation;
        final String root;
        final String originalName;
        final String below;
        final int ending;
        final Target next; // in the same slot

        Target(ClientInstrumentation instrumentation, String root, String originalName, Target next) {
            this.instrumentation = instrumentation;
            this.root = root;
            this.originalName = originalName;
            this.below = originalName.substring(root.length());
            this.ending = ending(originalName);
            this.next = next;
        }
    }

    /** A relocated copy of a target: which, and where its client's packages went. */
    static final class Match {
        final ClientInstrumentation instrumentation;
        final String originalName;
        final Relocation relocation;
        /** A path below the root of more than one segment names the family; a bare simple name may be a namesake. */
        final boolean distinctive;

        Match(Target target, String prefix) {
            this.instrumentation = target.instrumentation;
            this.originalName = target.originalName;
            this.relocation = new Relocation(target.root, prefix);
            this.distinctive = target.below.indexOf('/') >= 0;
        }
    }

    private final Target[] slots;

    RelocatedTargets(Iterable<ClientInstrumentation> instrumentations) {
        List<ClientInstrumentation> relocatable = new ArrayList<ClientInstrumentation>();
        int count = 0;
        for (ClientInstrumentation instrumentation : instrumentations) {
            if (instrumentation.relocatableRoot() != null) {
                relocatable.add(instrumentation);
                count += instrumentation.targetClasses().length;
            }
        }
        int size = 16;
        while (size < count * 4) {
            size <<= 1;
        }
        slots = new Target[size];
        for (ClientInstrumentation instrumentation : relocatable) {
            String root = instrumentation.relocatableRoot();
            for (String target : instrumentation.targetClasses()) {
                int slot = ending(target) & (size - 1);
                slots[slot] = new Target(instrumentation, root, target, slots[slot]);
            }
        }
    }

    /** The relocated target this class is a copy of, or null (the common case, without allocating). */
    Match find(String className) {
        if (className.length() < ENDING) {
            return null;
        }
        int ending = ending(className);
        for (Target target = slots[ending & (slots.length - 1)]; target != null; target = target.next) {
            if (target.ending == ending && isRelocatedCopy(className, target)) {
                return new Match(target, className.substring(0, className.length() - target.below.length()));
            }
        }
        return null;
    }

    /** {@code <prefix>/<below>}, with a prefix of at least one package that is neither the root nor the agent's. */
    private static boolean isRelocatedCopy(String className, Target target) {
        int prefixLength = className.length() - target.below.length();
        return prefixLength > 1 && className.endsWith(target.below) && className.charAt(prefixLength - 1) == '/'
                && !className.startsWith(target.root) && !className.startsWith(AGENT);
    }

    /** {@code String.hashCode} of the last {@value #ENDING} characters (every target's name is longer). */
    private static int ending(String internalName) {
        int end = internalName.length();
        return ((internalName.charAt(end - 4) * 31 + internalName.charAt(end - 3)) * 31
                + internalName.charAt(end - 2)) * 31 + internalName.charAt(end - 1);
    }
}
