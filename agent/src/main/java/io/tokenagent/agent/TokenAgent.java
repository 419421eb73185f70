package io.tokenagent.agent;

import io.tokenagent.thread.AgentThread;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.LogFormat;
import io.tokenagent.config.OnFailure;
import io.tokenagent.definer.BootBridge;
import io.tokenagent.logging.Logs;
import io.tokenagent.matching.Ascii;
import io.tokenagent.token.SourceContext;
import java.lang.instrument.Instrumentation;
import org.slf4j.Logger;

/**
 * The agent's entry points: {@code -javaagent:token-agent.jar[=key=value,...]} ({@link #premain}) and attach
 * ({@link #agentmain}).
 *
 * <p>Start-up discipline, since this runs before every {@code main}: no lambdas or method references on this path
 * (the first one costs the JVM tens of milliseconds to bootstrap), no Jackson Databind, no ASM until a client's
 * class loads, no thread until a token is needed. A configuration mistake stops the JVM here with one line.
 */
public final class TokenAgent {

    private static boolean started;

    private TokenAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    private static synchronized void start(String args, Instrumentation inst, boolean beforeMain) {
        if (started) {
            System.err.println(Logs.line("WARN", "already running; ignoring a second start", jsonAsked(args)));
            return;
        }
        String wrongJar = wrongJar(beforeMain);
        if (wrongJar != null) {
            stop(beforeMain, wrongJar, jsonAsked(args));
            return;
        }
        AgentConfig config;
        RuleSources sources;
        try {
            config = ConfigLoader.load(args, SystemProperties.INSTANCE, System.getProperties().stringPropertyNames(),
                    System.getenv());
            sources = RuleSources.create(config, new SourceContext(config, System.getenv(), SystemProperties.INSTANCE,
                    AgentThread.factory("deadline")));
        } catch (ConfigException e) {
            stop(beforeMain, "configuration error: " + e.getMessage(), jsonAsked(args));
            return;
        }
        Logs.configure(config.logLevel(), config.logFormat());
        Logger log = Logs.get(TokenAgent.class);
        for (String warning : config.warnings()) {
            log.warn(warning);
        }
        if (config.rules().isEmpty()) {
            log.info("no rules configured: nothing is instrumented");
            AgentStatus.failed("no rules configured: nothing is instrumented");
            return;
        }
        try {
            AgentStarter.start(config, sources, inst, BootBridge.install(inst));
            started = true;
            AgentStatus.active(args);
        } catch (Throwable t) {
            if (config.onFailure() == OnFailure.FAIL) {
                stop(beforeMain, "could not start (on_failure=fail): " + t, config.logFormat() == LogFormat.JSON);
            } else {
                log.error("could not start; requests go out without tokens: {}", t.toString());
            }
        }
    }

    /**
     * Started with {@code -javaagent} and loaded through the boot loader: whether a token-agent jar other than the
     * one running was named (see {@link NamedJarCheck}); null when not, or when that cannot be told.
     */
    private static String wrongJar(boolean beforeMain) {
        if (!beforeMain || TokenAgent.class.getClassLoader() != null) {
            return null;
        }
        try {
            return NamedJarCheck.mismatch(NamedJarCheck.jvmArguments());
        } catch (Exception e) {
            return null; // a check that cannot be made leaves the start as it would have been without it
        }
    }

    /** Before {@code main}: one line and a non-zero exit. Attached to a running application: never kill it. */
    private static void stop(boolean beforeMain, String message, boolean json) {
        AgentStatus.failed(message);
        System.err.println(Logs.line("ERROR", message, json));
        if (beforeMain) {
            System.exit(1);
        }
    }

    /**
     * Whether JSON lines were asked for, read before (or without) a valid configuration: a line that reports a
     * configuration mistake is written in the format asked for wherever it was asked.
     */
    private static boolean jsonAsked(String args) {
        String env = System.getenv("TOKEN_AGENT_LOG_FORMAT");
        String property = System.getProperty("tokenagent.log_format");
        return args != null && Ascii.lowerCase(args).contains("log_format=json")
                || property != null && Ascii.equalsIgnoreCase(property.trim(), "json")
                || env != null && Ascii.equalsIgnoreCase(env.trim(), "json");
    }

    /** The version the jar's manifest names, or {@code unknown} (classes run from a build directory). */
    public static String version() {
        String version = TokenAgent.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    /** The jar these classes were loaded from. */
    public static String jarPath() {
        try {
            return new java.io.File(TokenAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getPath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the agent's own location is a file URL", e);
        }
    }

    /** {@code System::getProperty} without a method reference (see the class comment). */
    public static final class SystemProperties implements java.util.function.Function<String, String> {
        public static final SystemProperties INSTANCE = new SystemProperties();

        private SystemProperties() {
        }

        @Override
        public String apply(String key) {
            return System.getProperty(key);
        }
    }
}
