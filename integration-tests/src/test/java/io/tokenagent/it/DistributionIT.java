package io.tokenagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** What the build hands out: the archive beside the jar, and the notices of what the jar shades. */
class DistributionIT {

    private static final Path TARGET = AgentJvm.AGENT_JAR.toAbsolutePath().getParent();

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void theArchiveHoldsJarEntrypointReadmeLicenceAndNoticesOfTheVersionTheJarReports() throws Exception {
        String version = run(Jdk.all().get(0).java(), "-jar", AgentJvm.AGENT_JAR.toAbsolutePath().toString(),
                "--version").strip().substring("token-agent ".length());
        Path archive = TARGET.resolve("token-agent-" + version + ".tar.gz");
        assertTrue(Files.isRegularFile(archive), "no " + archive + " for the jar's version " + version);

        String root = "token-agent-" + version + "/";
        List<String> listing = run("tar", "-tzvf", archive.toString()).lines().toList();
        for (String entry : List.of("token-agent.jar", "token-agent-exec", "README.md", "LICENSE",
                "THIRD-PARTY-NOTICES.txt", "licenses/asm/LICENSE.txt", "licenses/jackson-core/LICENSE",
                "licenses/jackson-core/NOTICE", "licenses/slf4j-api/LICENSE.txt")) {
            assertTrue(listing.stream().anyMatch(l -> l.endsWith(" " + root + entry)), entry + " in " + listing);
        }
        assertTrue(listing.stream().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(root + "token-agent-exec")),
                "the entrypoint is executable: " + listing);
    }

    @Test
    void theJarCarriesTheProjectsLicenceAndEachShadedLibrarysOwn() throws Exception {
        try (ZipFile jar = new ZipFile(AgentJvm.AGENT_JAR.toFile())) {
            String licence = new String(jar.getInputStream(jar.getEntry("META-INF/LICENSE")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertEquals(Files.readString(Path.of("../LICENSE")), licence, "META-INF/LICENSE is token-agent's");
            String notices = new String(jar.getInputStream(jar.getEntry("META-INF/THIRD-PARTY-NOTICES.txt"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            for (String library : List.of("- ASM 9.", "org.ow2.asm:asm-commons", "- Jackson core 2.",
                    "- SLF4J API 2.")) {
                assertTrue(notices.contains(library), library + " in\n" + notices);
            }
            assertTrue(Stream.of("asm/LICENSE.txt", "jackson-core/LICENSE", "slf4j-api/LICENSE.txt")
                    .allMatch(name -> jar.getEntry("META-INF/licenses/" + name) != null));
        }
    }

    /**
     * What every start pays for, kept small: the JVM verifies a {@code -javaagent} jar's classes, and a class file
     * older than Java 6 has no stack map frames and goes through the slower inferring verifier (ASM's did, as
     * shipped); a deflated entry is inflated at each load. And nothing of asm-tree, which the agent never uses.
     */
    @Test
    void theJarsEntriesAreStoredEveryClassFileHasStackMapFramesAndNoneIsAsmTrees() throws Exception {
        try (ZipFile jar = new ZipFile(AgentJvm.AGENT_JAR.toFile())) {
            List<String> deflated = jar.stream().filter(entry -> entry.getMethod() != java.util.zip.ZipEntry.STORED)
                    .map(java.util.zip.ZipEntry::getName).toList();
            assertTrue(deflated.isEmpty(), deflated.size() + " deflated entries, e.g. "
                    + (deflated.isEmpty() ? "" : deflated.get(0)));
            List<String> old = new java.util.ArrayList<>();
            List<String> names = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
            for (String name : names) {
                if (name.endsWith(".class")) {
                    byte[] header = jar.getInputStream(jar.getEntry(name)).readNBytes(8);
                    if (((header[6] & 0xff) << 8 | header[7] & 0xff) < 50) {
                        old.add(name);
                    }
                }
            }
            assertTrue(old.isEmpty(), old.size() + " class files without stack map frames (version < 50), e.g. "
                    + (old.isEmpty() ? "" : old.get(0)));
            assertTrue(names.stream().noneMatch(name -> name.startsWith("io/tokenagent/shaded/asm/tree/")),
                    "asm-tree in the jar");
            assertTrue(names.contains("io/tokenagent/shaded/asm/commons/ClassRemapper.class"));
        }
    }
}
