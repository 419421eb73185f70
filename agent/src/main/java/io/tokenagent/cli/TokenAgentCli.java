package io.tokenagent.cli;

import io.tokenagent.agent.NamedJarCheck;
import io.tokenagent.agent.TokenAgent;

/**
 * {@code java -jar token-agent.jar [--version | attach <pid> [key=value,...]]}: what the jar does when run rather
 * than loaded as an agent. Every outcome is one line; the exit status says whether it worked.
 */
public final class TokenAgentCli {

    static final String USAGE = "usage: java -jar token-agent.jar [--version]\n"
            + "       java -jar token-agent.jar attach <pid> [key=value,...]\n"
            + "       java -jar token-agent.jar doctor [key=value,...] [URL...]\n"
            + "  as an agent: java -javaagent:token-agent.jar[=key=value,...] ... (see README)";

    private TokenAgentCli() {
    }

    /** Loads the agent into another running JVM; returns the exit status, having printed one line. */
    interface Attacher {
        int attach(String pid, String options, String jar);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("token-agent " + TokenAgent.version());
            System.out.println(USAGE);
            return 0;
        }
        if (args[0].equals("--version")) {
            System.out.println("token-agent " + TokenAgent.version());
            return 0;
        }
        if (args[0].equals("attach") && (args.length == 2 || args.length == 3)) {
            Attacher attacher;
            try {
                // Compiled at release 11 (the Attach API's module): loaded only when asked for.
                attacher = (Attacher) Class.forName("io.tokenagent.cli.AttachCommand").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("token-agent: attach needs Java 11 or later with the jdk.attach module ("
                        + System.getProperty("java.version") + " here)");
                return 1;
            }
            String jar = TokenAgent.jarPath();
            String wrongJar;
            try {
                wrongJar = NamedJarCheck.attaching(new java.io.File(jar));
            } catch (java.io.IOException e) {
                wrongJar = null; // the attach itself will say what is wrong with the file
            }
            if (wrongJar != null) {
                System.err.println("token-agent: cannot attach: " + wrongJar);
                return 1;
            }
            return attacher.attach(args[1], args.length == 3 ? args[2] : "", jar);
        }
        if (args[0].equals("doctor")) {
            return new DoctorCommand(System.out).run(DoctorCommand.rest(args), TokenAgent.SystemProperties.INSTANCE,
                    System.getProperties().stringPropertyNames(), System.getenv());
        }
        System.err.println("token-agent: unknown command " + String.join(" ", args));
        System.err.println(USAGE);
        return 2;
    }
}
