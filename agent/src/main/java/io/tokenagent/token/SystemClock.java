package io.tokenagent.token;

import java.util.function.LongSupplier;

/** The wall clock in epoch milliseconds; a class rather than a method reference, which costs start-up time. */
public final class SystemClock implements LongSupplier {

    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long getAsLong() {
        return System.currentTimeMillis();
    }
}
