package io.tokenagent.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The quick profile ({@code mvn -B verify -Pquick}, which sets {@code -Dit.quick=true}): the inner loop's subset of
 * the matrix. The newest tested version of each client family, on the build's JDK only, without the redeploy
 * cases. The full matrix ({@code mvn -B verify}) stays what CI runs.
 */
final class Quick {

    static final boolean ON = Boolean.getBoolean("it.quick");

    private Quick() {
    }

    /**
     * The last-listed version of each family ({@code okhttp-3.12.0} is of family {@code okhttp}): each IT lists its
     * versions oldest first.
     */
    static List<String> newestPerFamily(List<String> versions) {
        Map<String, String> newest = new LinkedHashMap<>();
        for (String version : versions) {
            newest.put(version.substring(0, version.lastIndexOf('-')), version);
        }
        return new ArrayList<>(newest.values());
    }

    /** Skips the calling test under the quick profile, saying why. */
    static void skip(String reason) {
        Assumptions.assumeFalse(ON, "quick profile (-Pquick): " + reason);
    }
}
