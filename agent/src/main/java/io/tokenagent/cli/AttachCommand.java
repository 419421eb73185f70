package io.tokenagent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.tokenagent.agent.AgentStatus;
import java.io.IOException;

/**
 * Loads the agent into a running JVM through the Attach API (its {@code agentmain}), and reads back from the
 * target's {@value AgentStatus#PROPERTY} system property whether it started: the Attach API does not carry the
 * agent's own error across.
 */
public final class AttachCommand implements TokenAgentCli.Attacher {

    @Override
    public int attach(String pid, String options, String jar) {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException | RuntimeException e) {
            System.err.println("token-agent: cannot attach to process " + pid + ": " + e.getMessage());
            return 1;
        }
        try {
            String before = vm.getSystemProperties().getProperty(AgentStatus.PROPERTY);
            if (AgentStatus.isActive(before)) {
                if (AgentStatus.options(before).equals(options)) {
                    System.out.println("token-agent: already active in process " + pid);
                    return 0;
                }
                System.err.println("token-agent: already active in process " + pid + " with other options ("
                        + AgentStatus.options(before) + "); restart the application to change them");
                return 1;
            }
            try {
                vm.loadAgent(jar, options);
            } catch (AgentInitializationException | AgentLoadException e) {
                // reported below from the target's own status
            }
            String after = vm.getSystemProperties().getProperty(AgentStatus.PROPERTY);
            if (AgentStatus.isActive(after)) {
                System.out.println("token-agent: attached to process " + pid);
                return 0;
            }
            System.err.println("token-agent: " + (after == null ? "the agent did not start in process " + pid
                    : AgentStatus.failure(after)));
            return 1;
        } catch (IOException e) {
            System.err.println("token-agent: lost the connection to process " + pid + ": " + e.getMessage());
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the target went away; nothing more to tell
            }
        }
    }
}
