package io.tokenagent.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A JDK the test applications run on: the one running the tests, and JDK 25. JDK 25 is {@code -Dit.jdk25=<home>},
 * else {@code /usr/lib/jvm/temurin-25-jdk-amd64}, else the first {@code /usr/lib/jvm/*25*}. When there is none,
 * its cases are still listed and are reported as skipped (see {@link #assumeAvailable()}), so that a run on a
 * machine without JDK 25 says so instead of passing quietly on one JDK.
 */
public record Jdk(String name, Path home) {

    static final String JDK25_MISSING = "JDK 25 not found (set -Dit.jdk25=<java home> or install it in /usr/lib/jvm)";
    private static final List<Jdk> ALL = find();

    public static List<Jdk> all() {
        return ALL;
    }

    public boolean available() {
        return home != null;
    }

    /** Skips the calling test, with the reason, when this JDK is not on this machine. */
    public void assumeAvailable() {
        Assumptions.assumeTrue(available(), JDK25_MISSING);
    }

    public String java() {
        return home.resolve("bin").resolve("java").toString();
    }

    @Override
    public String toString() {
        return name;
    }

    private static List<Jdk> find() {
        List<Jdk> jdks = new ArrayList<>();
        jdks.add(new Jdk("jdk" + Runtime.version().feature(), Path.of(System.getProperty("java.home"))));
        if (Runtime.version().feature() != 25 && !Quick.ON) {
            Path jdk25 = jdk25();
            if (jdk25 == null) {
                System.err.println("integration tests: " + JDK25_MISSING + "; its cases are skipped");
            }
            jdks.add(new Jdk("jdk25", jdk25));
        }
        return jdks;
    }

    private static Path jdk25() {
        String configured = System.getProperty("it.jdk25");
        if (configured != null && !configured.isBlank()) {
            return isJdk(Path.of(configured)) ? Path.of(configured) : null;
        }
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (isJdk(temurin)) {
            return temurin;
        }
        File[] candidates = new File("/usr/lib/jvm").listFiles();
        if (candidates == null) {
            return null;
        }
        return Stream.of(candidates).map(File::toPath).filter(p -> p.getFileName().toString().contains("25"))
                .filter(Jdk::isJdk).sorted().findFirst().orElse(null);
    }

    private static boolean isJdk(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("java"));
    }
}
