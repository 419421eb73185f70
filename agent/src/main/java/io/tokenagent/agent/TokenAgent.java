package io.tokenagent.agent;

import io.tokenagent.config.AgentConfig;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.ConfigLoader;
import io.tokenagent.config.OnFailure;
import io.tokenagent.definer.BootBridge;
import io.tokenagent.logging.Logs;
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
            System.err.println("token-agent: already running; ignoring a second start");
            return;
        }
        AgentConfig config;
        try {
            config = ConfigLoader.load(args, SystemProperties.INSTANCE, System.getProperties().stringPropertyNames(),
                    System.getenv());
        } catch (ConfigException e) {
            stop(beforeMain, "configuration error: " + e.getMessage());
            return;
        }
        Logs.configure(config.logLevel());
        Logger log = Logs.get(TokenAgent.class);
        for (String warning : config.warnings()) {
            log.warn(warning);
        }
        if (config.rules().isEmpty()) {
            log.info("no rules configured: nothing is instrumented");
            return;
        }
        WarmUp.start();
        try {
            AgentStarter.start(config, inst, BootBridge.install(inst));
            started = true;
        } catch (Throwable t) {
            if (config.onFailure() == OnFailure.FAIL) {
                stop(beforeMain, "could not start (on_failure=fail): " + t);
            } else {
                System.err.println("token-agent: could not start; requests go out without tokens: " + t);
            }
        }
    }

    /** Before {@code main}: one line and a non-zero exit. Attached to a running application: never kill it. */
    private static void stop(boolean beforeMain, String message) {
        System.err.println("token-agent: " + message);
        if (beforeMain) {
            System.exit(1);
        }
    }

    /** {@code System::getProperty} without a method reference (see the class comment). */
    private static final class SystemProperties implements java.util.function.Function<String, String> {
        static final SystemProperties INSTANCE = new SystemProperties();

        @Override
        public String apply(String key) {
            return System.getProperty(key);
        }
    }
}
