package io.tokenagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamedJarCheckTest {

    @TempDir
    Path dir;

    @Test
    void anotherTokenAgentJarNamedBesideTheRunningOneIsAMistake() throws Exception {
        File running = agentJar("token-agent.jar", TokenAgent.class.getName());
        File named = agentJar("token-agent-2.1.jar", TokenAgent.class.getName());

        assertEquals("the JVM was given " + named + " but runs " + running + " beside it (every token-agent jar loads"
                + " the token-agent.jar in its directory first): name the agent jar token-agent.jar, or move it away"
                + " from the other", NamedJarCheck.mismatch(Arrays.asList("-Xmx64m",
                "-javaagent:" + named + "=config=rules.json,log_level=debug", "-cp", "app.jar")));
        assertEquals(NamedJarCheck.mismatch(Arrays.asList("-javaagent:" + named)),
                NamedJarCheck.attaching(named));
    }

    @Test
    void theRunningJarItselfOrAnotherAgentOrAnotherDirectoryIsNot() throws Exception {
        File running = agentJar("token-agent.jar", TokenAgent.class.getName());
        File otherAgent = agentJar("opentelemetry-javaagent.jar", "io.opentelemetry.javaagent.OpenTelemetryAgent");
        File elsewhere = new File(dir.resolve("elsewhere").toFile(), "token-agent-2.1.jar");
        elsewhere.getParentFile().mkdirs();
        writeJar(elsewhere, TokenAgent.class.getName());

        assertNull(NamedJarCheck.mismatch(Arrays.asList("-javaagent:" + running + "=config=a.json",
                "-javaagent:" + otherAgent, "-javaagent:" + elsewhere, "-javaagent:" + dir.resolve("missing.jar"))));
        assertNull(NamedJarCheck.attaching(running));
        assertNull(NamedJarCheck.attaching(elsewhere)); // no token-agent.jar beside it
    }

    private File agentJar(String name, String premainClass) throws IOException {
        File jar = dir.resolve(name).toFile();
        writeJar(jar, premainClass);
        return jar.getCanonicalFile();
    }

    private static void writeJar(File jar, String premainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", premainClass);
        new JarOutputStream(new FileOutputStream(jar), manifest).close();
    }
}
