package org.unirep.jobs.fanout;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsReader;
import org.unirep.jobs.results.ResultsWriter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.sweep.GridPoint;
import org.unirep.spark.Cancellation;
import org.unirep.spark.TaskDevice;

/**
 * Stage 2: every point is its own Spark job of one task (so the Spark UI names it, and the driver
 * hears of each as it ends), submitted from a pool of {@code parallelism} driver threads. The task
 * trains the point locally ({@link PointTrainer}) on the broadcast training/test subsets and
 * commits its rows itself. A task that dies (lost executor, killed JVM) gets a failed row from the
 * driver; a cancelled sweep writes nothing for the points it did not finish.
 */
public final class FanOutJob {
    private static final Logger log = LoggerFactory.getLogger(FanOutJob.class);

    private FanOutJob() {}

    public record Task(GridPoint point, int attempt) implements Serializable {}

    /** What every task reads: broadcast data, the classifier's location, the results root. */
    public record Inputs(String sweepId, HadoopFiles files, ResultsLayout layout, Broadcast<LabeledImages> train,
                         Broadcast<LabeledImages> test, String classifierDir, List<String> failPoints) implements Serializable {}

    public static List<RunRecord> run(JavaSparkContext jsc, Inputs in, List<Task> tasks, int parallelism, SweepProgress progress)
            throws IOException {
        List<RunRecord> out = new ArrayList<>();
        if (tasks.isEmpty()) return out;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, tasks.size())), r -> {
            Thread t = new Thread(r, "fanout");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<RunRecord>> futures = new ArrayList<>();
            for (Task t : tasks) futures.add(pool.submit(() -> runOne(jsc, in, t, progress)));
            for (Future<RunRecord> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) throw io;
                    if (cause instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the fan-out", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static RunRecord runOne(JavaSparkContext jsc, Inputs in, Task t, SweepProgress progress) throws IOException {
        GridPoint p = t.point();
        jsc.setJobGroup(Cancellation.jobGroup(in.sweepId()), "sweep " + in.sweepId() + " | stage 2 fan-out | " + p.label() + " | run "
                + p.runId() + " attempt " + t.attempt(), true);
        long start = System.currentTimeMillis();
        RunRecord r;
        try {
            r = jsc.parallelize(List.of(t), 1).map(task -> trainInTask(in, task)).collect().get(0);
        } catch (Exception e) {
            if (Cancellation.isCancellation(e)) throw new IOException("sweep " + in.sweepId() + " cancelled while training " + p.label(), e);
            // The task itself died (executor lost, JVM killed by the OS): the driver records the failure.
            log.error("[{}] {}: Spark job failed", p.runId(), p.label(), e);
            String committed = ResultsReader.committedStatus(in.files(), in.layout(), in.sweepId(), p.runId(), t.attempt());
            // The task may have committed its row before the failure: that row stands.
            r = RunRecords.of(p, in.sweepId(), t.attempt(), committed != null ? committed : RunRecord.FAILED,
                    committed != null ? null : "Spark task failed: " + e.getMessage(), start, System.currentTimeMillis(), "unknown",
                    null, List.of());
            if (committed == null) new ResultsWriter(in.files(), in.layout()).commit(r);
        }
        progress.ended(r, p.label());
        return r;
    }

    private static final ConcurrentHashMap<String, MultiLayerNetwork> CLASSIFIERS = new ConcurrentHashMap<>();

    /** Runs in the executor. */
    static RunRecord trainInTask(Inputs in, Task t) throws IOException {
        String device = TaskDevice.bind();
        MultiLayerNetwork classifier = in.classifierDir() == null ? null : CLASSIFIERS.computeIfAbsent(in.classifierDir(), d -> {
            try {
                return new ModelStore(in.files()).loadMultiLayer(d);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).clone(); // one copy per task: concurrent tasks share the executor
        RunRecord r = PointTrainer.train(t.point(), in.sweepId(), t.attempt(), in.files(), in.layout(), in.train().value(),
                in.test().value(), classifier, device, in.failPoints());
        new ResultsWriter(in.files(), in.layout()).commit(r);
        return r;
    }
}
