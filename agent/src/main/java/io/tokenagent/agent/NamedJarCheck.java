package io.tokenagent.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Every token-agent jar's manifest puts a {@code token-agent.jar} beside it on the boot class path, which is asked
 * first: when the JVM is given another token-agent jar ({@code token-agent-2.1.jar}) in a directory that also holds
 * a {@code token-agent.jar}, the classes that run are that file's, perhaps another version's. A configuration
 * mistake, found in the JVM's command line ({@code /proc/self/cmdline} where there is one, and the option
 * variables the JVM and the launcher read).
 */
public final class NamedJarCheck {

    /** What the JVM names its agents with. */
    private static final String AGENT_OPTION = "-javaagent:";

    private NamedJarCheck() {
    }

    /**
     * The mistake in one line, or null when every token-agent jar named is the one that runs: a token-agent jar
     * named in the options whose directory holds a {@code token-agent.jar} that is another file. Asks nothing of
     * the class loader: finding where the running classes came from opens the jar, and the JDK's runtime image,
     * through the class path's machinery, which a JVM that never looks up a resource would not pay for (a
     * {@code java -version} run with the agent in {@code JAVA_TOOL_OPTIONS}: 12 ms of its 25).
     *
     * @param arguments the JVM's options, in any order, among others
     */
    public static String mismatch(List<String> arguments) throws IOException {
        for (String argument : arguments) {
            if (!argument.startsWith(AGENT_OPTION)) {
                continue;
            }
            String path = argument.substring(AGENT_OPTION.length());
            int options = path.indexOf('=');
            File named = new File(options < 0 ? path : path.substring(0, options)).getCanonicalFile();
            File running = new File(named.getParentFile(), "token-agent.jar").getCanonicalFile();
            if (!named.equals(running) && running.isFile() && isTokenAgent(named)) {
                return "the JVM was given " + named + " but runs " + running + " beside it (every token-agent jar "
                        + "loads the token-agent.jar in its directory first): name the agent jar token-agent.jar, "
                        + "or move it away from the other";
            }
        }
        return null;
    }

    /**
     * For an attach of {@code jar}: the mistake in one line when the target JVM would run the
     * {@code token-agent.jar} beside it instead, else null.
     */
    public static String attaching(File jar) throws IOException {
        return mismatch(java.util.Collections.singletonList(AGENT_OPTION + jar));
    }

    /** The options of this JVM that can name an agent; empty where the command line cannot be read. */
    static List<String> jvmArguments() {
        List<String> arguments = new ArrayList<String>();
        File cmdline = new File("/proc/self/cmdline");
        if (!cmdline.canRead()) {
            return arguments;
        }
        try {
            InputStream in = new FileInputStream(cmdline);
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    bytes.write(buffer, 0, n);
                }
                // file names in the JVM's own encoding for them
                String encoding = System.getProperty("sun.jnu.encoding", System.getProperty("file.encoding"));
                for (String argument : bytes.toString(encoding).split("\u0000")) {
                    arguments.add(argument);
                }
            } finally {
                in.close();
            }
        } catch (IOException e) {
            return arguments;
        }
        for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
            String value = System.getenv(variable);
            if (value != null) {
                for (String option : value.trim().split("\\s+")) {
                    arguments.add(option);
                }
            }
        }
        return arguments;
    }

    private static boolean isTokenAgent(File jar) {
        try {
            JarFile file = new JarFile(jar, false);
            try {
                Manifest manifest = file.getManifest();
                return manifest != null && TokenAgent.class.getName().equals(
                        manifest.getMainAttributes().getValue("Premain-Class"));
            } finally {
                file.close();
            }
        } catch (IOException e) {
            return false; // not a jar the JVM could have started an agent from
        }
    }
}
