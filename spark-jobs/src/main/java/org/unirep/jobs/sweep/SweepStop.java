package org.unirep.jobs.sweep;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * What a sweep stopped by a signal says (SIGTERM from {@code yarn application -kill} or a preempted
 * driver pod, SIGINT from Ctrl-C): one line, how many points are done and that the same command
 * resumes. A JVM shutdown hook, held while the sweep runs. The errors that Spark's own shutdown then
 * raises in the sweep's threads ("Cannot call methods on a stopped SparkContext") are not the cause,
 * so the CLI stays silent about them ({@link #shuttingDown}).
 */
public final class SweepStop implements AutoCloseable {
    private final Thread hook;

    /** {@code line}: the line to print, asked for when the signal comes. */
    public SweepStop(Supplier<String> line, PrintStream err) {
        hook = new Thread(() -> {
            err.println(line.get());
            err.flush();
        }, "sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The sweep ended (or failed) on its own: no line at exit. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or has run
        }
    }

    /** Whether this JVM is shutting down (a signal, or System.exit). */
    public static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
