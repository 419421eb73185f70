package io.tokenagent.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A JDK the test applications run on: the one running the tests, and JDK 25 when this machine has one. */
public record Jdk(String name, Path home) {

    private static final List<Jdk> ALL = find();

    public static List<Jdk> all() {
        return ALL;
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
        Path jdk25 = jdk25();
        if (jdk25 != null) {
            jdks.add(new Jdk("jdk25", jdk25));
        } else {
            System.err.println("integration tests: JDK 25 not found (set -Dit.jdk25=<home>); running on "
                    + jdks.get(0) + " only");
        }
        return jdks;
    }

    private static Path jdk25() {
        String configured = System.getProperty("it.jdk25");
        if (configured != null && !configured.isEmpty()) {
            return Files.isExecutable(Path.of(configured, "bin", "java")) ? Path.of(configured) : null;
        }
        File[] candidates = new File("/usr/lib/jvm").listFiles();
        if (candidates == null) {
            return null;
        }
        return Stream.of(candidates).map(File::toPath).filter(p -> p.getFileName().toString().contains("25"))
                .filter(p -> Files.isExecutable(p.resolve("bin").resolve("java"))).sorted().findFirst().orElse(null);
    }
}
