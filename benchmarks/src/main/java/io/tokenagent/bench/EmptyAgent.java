package io.tokenagent.bench;

import java.lang.instrument.Instrumentation;

/** A {@code premain} that does nothing: what any {@code -javaagent} costs the JVM, for comparison. */
public final class EmptyAgent {

    private EmptyAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
    }
}
