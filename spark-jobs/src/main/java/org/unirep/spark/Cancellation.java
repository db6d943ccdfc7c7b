package org.unirep.spark;

import java.util.concurrent.CancellationException;
import org.apache.spark.SparkException;

/** Tells a cancelled job (the user stopped the sweep) from a failed one (which gets a failed row). */
public final class Cancellation {
    private Cancellation() {}

    /** The Spark job group every job of a sweep runs in: the sweep cancels it as one. */
    public static String jobGroup(String sweepId) {
        return "unirep-" + sweepId;
    }

    public static boolean isCancellation(Throwable e) {
        org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
        if (tc != null && tc.isInterrupted()) return true;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof CancellationException || c instanceof java.io.InterruptedIOException
                    || c instanceof java.nio.channels.ClosedByInterruptException) return true;
            if (c instanceof SparkException && c.getMessage() != null && c.getMessage().contains("cancelled")) return true;
        }
        return false;
    }
}
