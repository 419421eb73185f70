package io.tokenagent.instrumentation;

import io.tokenagent.definer.RenamedClassFile;
import java.io.IOException;
import org.objectweb.asm.commons.Remapper;

/**
 * A client's packages moved by a shading tool: its root ({@code org/apache/http/}) renamed to a prefix
 * ({@code com/acme/shaded/http/}). An instrumentation rewrites a relocated class as if it were the original: the
 * class file goes to it with the original names and comes back with the relocated ones, and its hooks are defined
 * under the prefix ({@code com/acme/shaded/http/io/tokenagent/...}), referring to the relocated client, so that
 * they never clash with the hooks of an unrelocated copy in the same loader.
 */
final class Relocation {

    private static final String HOOKS = "io/tokenagent/instrumentation/";

    private final String root;
    private final String prefix;
    private final Remapper toOriginal = new Remapper() {
        @Override
        public String map(String internalName) {
            return internalName.startsWith(prefix) ? root + internalName.substring(prefix.length()) : internalName;
        }
    };
    private final Remapper toRelocated = new Remapper() {
        @Override
        public String map(String internalName) {
            if (internalName.startsWith(root)) {
                return prefix + internalName.substring(root.length());
            }
            return internalName.startsWith(HOOKS) ? prefix + internalName : internalName;
        }
    };

    Relocation(String root, String prefix) {
        this.root = root;
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** The prefix as a Java package name, for logs. */
    String packageName() {
        return prefix.substring(0, prefix.length() - 1).replace('/', '.');
    }

    /** Renames the agent's hooks and the client's types to where this copy has them. */
    Remapper toRelocated() {
        return toRelocated;
    }

    byte[] originalClassFile(byte[] relocated) {
        return RenamedClassFile.of(relocated, toOriginal);
    }

    byte[] relocatedClassFile(byte[] original) {
        return RenamedClassFile.of(original, toRelocated);
    }

    /** The shape of a client class, by its original name, as this copy has it; null when the loader has none. */
    ClassShape shapeOf(ClassLoader loader, String originalName) throws IOException {
        return ClassShape.ofResource(loader, toRelocated.map(originalName), toOriginal);
    }
}
