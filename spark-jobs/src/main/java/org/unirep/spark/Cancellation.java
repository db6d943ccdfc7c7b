package org.unirep.spark;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;

/** Tells a cancelled job (the user or the sweep stopped it) from a failed one (which gets a failed row). */
public final class Cancellation {
    /**
     * Spark 3.5 has no typed cancellation (the error class SPARK_JOB_CANCELLED comes with 4.0): its
     * DAGScheduler fails every cancelled job (job group, all jobs, a killed stage, a stopped context)
     * with a SparkException whose message is "Job ID cancelled REASON". CancellationTest pins it.
     */
    private static final Pattern SPARK_JOB_CANCELLED = Pattern.compile("^Job \\d+ cancelled( |$)");

    private Cancellation() {}

    /** The Spark job group every job of a sweep runs in: the sweep cancels it as one. */
    public static String jobGroup(String sweepId) {
        return "unirep-" + sweepId;
    }

    public static boolean isCancellation(Throwable e) {
        TaskContext tc = TaskContext.get();
        if (tc != null && tc.isInterrupted()) return true;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof CancellationException || c instanceof InterruptedIOException
                    || c instanceof ClosedByInterruptException) return true;
            if (c instanceof SparkException && c.getMessage() != null && SPARK_JOB_CANCELLED.matcher(c.getMessage()).find()) return true;
        }
        return false;
    }
}
