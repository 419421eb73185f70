package io.tokenagent.agent;

import io.tokenagent.thread.AgentThread;
import com.fasterxml.jackson.core.JsonFactory;
import io.tokenagent.logging.Logs;
import io.tokenagent.token.AccessToken;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Loads, on a daemon thread of its own, the classes the first matched request will need: ASM (to rewrite the
 * client's class as it loads), Jackson's parser (to read the token response) and SHA-256 (for the fingerprint in
 * the log). Cold, they cost tens of milliseconds on the application's main thread; loaded beside it while the
 * application starts, on another core, they cost its start-up next to nothing. Purely an optimisation: whatever
 * happens here is ignored, and the same classes load on demand without it.
 */
final class WarmUp implements Runnable {

    private WarmUp() {
    }

    static void start() {
        AgentThread.factory("warmup").newThread(new WarmUp()).start();
    }

    @Override
    public void run() {
        try {
            ClassWriter writer = new ClassWriter(0);
            new ClassReader(WarmUp.class.getName()).accept(new ClassVisitor(Opcodes.ASM9, writer) { }, 0);
            writer.toByteArray();
            new JsonFactory().createParser("{\"a\":1}").nextToken();
            AccessToken.fingerprint("warm-up");
        } catch (Throwable t) {
            Logs.get(WarmUp.class).debug("warm-up skipped: {}", t.toString());
        }
    }
}
