package org.unirep.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits on a condition instead of a fixed sleep: polls it until it holds or a deadline passes, so a
 * test waits as long as the condition it needs takes (a busy machine: longer; an idle one: no
 * longer than needed) and fails naming what it waited for.
 */
public final class Await {
    private Await() {}

    /** A condition that may throw (reads a file, asks Spark). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every 20 ms until it holds; throws AssertionError naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        until(() -> what, timeout, condition);
    }

    /** As {@link #until(String, Duration, Condition)}, with a message computed at the deadline (the state it saw). */
    public static void until(Supplier<String> what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what.get());
            Thread.sleep(20);
        }
    }
}
