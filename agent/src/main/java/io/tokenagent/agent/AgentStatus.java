package io.tokenagent.agent;

/**
 * Whether the agent runs in this JVM, kept in a system property so that a later {@code attach} (another process)
 * can read it: {@code active <options>} or {@code failed <message>}. Not {@code tokenagent.*}: those name
 * options, and an unknown one is a configuration error.
 */
public final class AgentStatus {

    public static final String PROPERTY = "io.tokenagent.status";
    private static final String ACTIVE = "active ";
    private static final String FAILED = "failed ";

    private AgentStatus() {
    }

    static void active(String options) {
        System.setProperty(PROPERTY, ACTIVE + (options == null ? "" : options));
    }

    static void failed(String message) {
        System.setProperty(PROPERTY, FAILED + message);
    }

    public static boolean isActive(String status) {
        return status != null && status.startsWith(ACTIVE);
    }

    /** The agent options an active agent was started with. */
    public static String options(String status) {
        return status.substring(ACTIVE.length());
    }

    /** What a failed start said. */
    public static String failure(String status) {
        return status.startsWith(FAILED) ? status.substring(FAILED.length()) : status;
    }
}
