package org.unirep.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How many tasks of the default resource profile the cluster can run at once right now, as Spark's
 * scheduler counts them: per executor, cores / spark.task.cpus, or GPUs / spark.task.resource.gpu.amount
 * where tasks ask for GPUs, whichever is fewer. Before any executor has registered (a cluster still
 * starting) it falls back to Spark's default parallelism.
 */
public final class TaskSlots {
    private TaskSlots() {}

    public static int now(JavaSparkContext jsc) {
        SparkContext sc = jsc.sc();
        try {
            int n = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
            if (n > 0) return n;
        } catch (RuntimeException | LinkageError e) {
            // an internal Spark API: if it moves, fall back rather than stop the sweep
        }
        return Math.max(1, jsc.defaultParallelism());
    }
}
