package org.unirep.jobs.fanout;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.ImageSource;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.Stage;
import org.unirep.jobs.point.PointTrainer;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ModelRef;
import org.unirep.jobs.results.PendingRecords;
import org.unirep.jobs.results.ResultsCommitter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.results.SweepProgress;
import org.unirep.spark.Cancellation;
import org.unirep.spark.SparkTries;
import org.unirep.spark.TaskDevice;
import org.unirep.training.Failures;
import org.unirep.training.LocalEpochFitter;
import org.unirep.training.RunStatus;

/**
 * One Spark task per point: every stage-2 point, and every one-worker shared encoder of stage 1, is
 * its own Spark job of one task (so the Spark UI names it, and the driver
 * hears of each as it ends), submitted from a driver thread of the sweep's scheduler. The task
 * trains the point locally ({@link PointTrainer}) on the training/test subsets its executor reads
 * itself ({@link Inputs}) and writes its record to the pending journal; the driver queues it for the next batched commit. A
 * task that dies (lost executor, killed JVM) gets a failed record from the driver; a cancelled
 * sweep writes nothing for the points it did not finish.
 */
public final class FanOutJob {
    private static final Logger log = LoggerFactory.getLogger(FanOutJob.class);

    private FanOutJob() {}

    /**
     * One attempt of a point, and the last attempt number its tries may reach in this submission;
     * {@code encoder}: a universal point's shared encoder as its runs row names it; {@code single}:
     * the point is its task's only one (set by {@link #train}).
     */
    public record Task(GridPoint point, int attempt, int last, ModelRef encoder, boolean single) implements Serializable {
        public Task(GridPoint point, int attempt, int last, ModelRef encoder) {
            this(point, attempt, last, encoder, true);
        }
    }

    /**
     * What every task reads: where its data is (each executor reads it itself, one copy per JVM:
     * {@link org.unirep.jobs.ingest.SplitSource}), the classifier's location, the results root;
     * {@code standIn} replaces training for the sweep benchmark (null in a sweep, and then no data).
     */
    public record Inputs(String sweepId, HadoopFiles files, ResultsLayout layout, ImageSource train, ImageSource test,
                         String classifierDir, FaultInjection faults, StandInTrainer standIn)
            implements Serializable {}

    /**
     * Trains one point as a Spark job of one task, from the calling driver thread, and queues its
     * record for the next commit; a task that dies gets its failed record here. Returns the record.
     */
    public static RunRecord train(JavaSparkContext jsc, Broadcast<Inputs> inputs, Task t, SweepProgress progress,
                                  ResultsCommitter committer) throws IOException {
        return train(jsc, inputs, List.of(t), progress, committer).get(0);
    }

    /**
     * Trains several points one after another in one Spark task (short points: one job's latency
     * for all), each queued for the next commit as above; a record per point, in order. A task that
     * dies gets a failed record here for each point it did not finish.
     */
    public static List<RunRecord> train(JavaSparkContext jsc, Broadcast<Inputs> inputs, List<Task> ts, SweepProgress progress,
                                        ResultsCommitter committer) throws IOException {
        Inputs in = inputs.value();
        Task first = ts.get(0);
        jsc.setJobGroup(Cancellation.jobGroup(in.sweepId()), "sweep " + in.sweepId() + (first.point().stage() == Stage.ENCODER
                ? " | stage 1 shared encoder | " : " | stage 2 fan-out | ") + first.point().label()
                + (ts.size() == 1 ? "" : " and " + (ts.size() - 1) + " more") + " | run " + first.point().runId() + " attempt "
                + first.attempt(), true);
        long start = System.currentTimeMillis();
        List<RunRecord> out = new ArrayList<>();
        try {
            // The inputs travel as a broadcast, once per executor (in the closure every task deserialized them), and the task's
            // function is an object of a named class, which Spark's closure cleaner passes over (a lambda it reads with ASM
            // on every job: most of a short point's driver time, measured with `unirep bench-sweep`).
            List<Task> tasks = ts.stream().map(t -> new Task(t.point(), t.attempt(), t.last(), t.encoder(), ts.size() == 1)).toList();
            RunRecord[][] r = (RunRecord[][]) jsc.sc().runJob(jsc.parallelize(tasks, 1).rdd(), new TrainPartition(inputs),
                    scala.reflect.ClassTag$.MODULE$.apply(RunRecord[].class));
            out.addAll(List.of(r[0]));
        } catch (Exception e) {
            // A stopped context (SIGTERM's shutdown hook, racing a job being submitted) is the sweep's stop, not the point's failure.
            if (Cancellation.isCancellation(e) || jsc.sc().isStopped()) {
                throw new IOException("sweep " + in.sweepId() + " cancelled while training " + first.point().label(), e);
            }
            // Every Spark try of the task died (lost executors, JVMs killed by the OS, setups that failed): the driver
            // records the failure, as the last of the tries Spark made.
            log.error("[{}] {}: Spark job failed", first.point().runId(), first.point().label(), e);
            PendingRecords journal = new PendingRecords(in.files(), in.layout());
            int tries = SparkTries.perTask(jsc.sc());
            for (Task t : ts) {
                // A one-point task's tries each had an attempt number; a chunk's moved on only past a journal record.
                int last = ts.size() == 1 ? Math.min(t.last(), t.attempt() + tries - 1) : t.last();
                RunRecord newest = latest(journal, in.sweepId(), t, last);
                // A point a try finished before the failure keeps its record; so does the last try's failed setup.
                if (newest != null && (newest.status() != RunStatus.FAILED || ts.size() > 1 || newest.attempt() == last)) out.add(newest);
                else out.add(RunRecords.of(t.point(), in.sweepId(), ts.size() == 1 ? last : t.attempt(), RunStatus.FAILED,
                        "Spark task failed: " + e.getMessage(), start, System.currentTimeMillis(), "unknown", null, List.of()));
            }
        }
        PendingRecords journal = new PendingRecords(in.files(), in.layout());
        for (int i = 0; i < ts.size(); i++) {
            Task t = ts.get(i);
            // Spark's earlier tries of the point (tasks that could not set up) are attempts too: their rows are committed.
            for (int a = t.attempt(); a < out.get(i).attempt(); a++) {
                RunRecord earlier = journal.read(in.sweepId(), t.point().runId(), a);
                if (earlier != null) committer.add(earlier);
            }
            committer.add(out.get(i));
            progress.ended(out.get(i), t.point().label());
        }
        return out;
    }

    /** The point's newest record in the journal among attempts {@code t.attempt()} to {@code last}, or null. */
    private static RunRecord latest(PendingRecords journal, String sweepId, Task t, int last) throws IOException {
        for (int a = last; a >= t.attempt(); a--) {
            RunRecord r = journal.read(sweepId, t.point().runId(), a);
            if (r != null) return r;
        }
        return null;
    }

    /** The task's function: trains the partition's points, one after another. */
    static final class TrainPartition extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<Task>,
            RunRecord[]> implements Serializable {
        private final Broadcast<Inputs> inputs;

        TrainPartition(Broadcast<Inputs> inputs) {
            this.inputs = inputs;
        }

        @Override
        public RunRecord[] apply(org.apache.spark.TaskContext context, scala.collection.Iterator<Task> tasks) {
            List<RunRecord> out = new ArrayList<>();
            try {
                while (tasks.hasNext()) out.add(trainInTask(inputs.value(), tasks.next(), context.attemptNumber()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toArray(RunRecord[]::new);
        }
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "none" : env.executorId();
    }

    private static final ConcurrentHashMap<String, MultiLayerNetwork> CLASSIFIERS = new ConcurrentHashMap<>();

    /**
     * Runs in the executor, as Spark's try {@code sparkAttempt} (0 first) of the task. A retry
     * (after a task that could not set up, or a lost executor) is a try of the point like any other:
     * it writes the next attempt number, and once past {@link Task#last} it trains nothing and
     * returns the point's last failure, so that a point gets {@code retries} + 1 tries in all, not
     * that many times Spark's {@code spark.task.maxFailures}. A point an earlier try finished (a
     * chunk's first points) keeps its record.
     */
    static RunRecord trainInTask(Inputs in, Task t, int sparkAttempt) throws IOException {
        PendingRecords journal = new PendingRecords(in.files(), in.layout());
        int attempt = t.attempt();
        for (int a = t.attempt(); a < t.attempt() + sparkAttempt && a <= t.last(); a++) {
            RunRecord earlier = journal.read(in.sweepId(), t.point().runId(), a);
            if (earlier == null) continue;
            if (earlier.status() != RunStatus.FAILED) return earlier;
            attempt = a + 1;
        }
        if (sparkAttempt > 0 && t.single()) attempt = t.attempt() + sparkAttempt; // every try of a one-point task was this point's
        if (attempt > t.last()) {
            RunRecord last = journal.read(in.sweepId(), t.point().runId(), t.last());
            if (last != null) return last;
            long now = System.currentTimeMillis();
            RunRecord r = RunRecords.of(t.point(), in.sweepId(), t.last(), RunStatus.FAILED, "its task was lost " + sparkAttempt
                    + " time(s) (Spark task attempts), the last of its " + (t.last() - t.attempt() + 1) + " tries in this submission",
                    now, now, "unknown", null, List.of());
            journal.write(r);
            return r;
        }
        Task at = new Task(t.point(), attempt, t.last(), t.encoder(), t.single());
        String device;
        MultiLayerNetwork classifier = null;
        LabeledImages train = null, test = null;
        long start = System.currentTimeMillis();
        try {
            in.faults().failSetupIfInjected(t.point());
            device = in.standIn() != null ? "stand-in" : TaskDevice.bind();
            if (in.standIn() == null) {
                train = in.train().images();
                test = in.test().images();
            }
            if (in.standIn() == null && in.classifierDir() != null) {
                classifier = CLASSIFIERS.computeIfAbsent(in.classifierDir(), d -> {
                    try {
                        return new ModelStore(in.files()).loadMultiLayer(d);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).clone(); // one copy per task: concurrent tasks share the executor
            }
        } catch (Throwable e) { // NoClassDefFoundError of a backend that did not load included
            if (Cancellation.isCancellation(e)) throw e;
            // The attempt's row names where it failed; the task then fails too, so that Spark retries it elsewhere (the
            // next attempt) and excludes a host that keeps failing (spark.excludeOnFailure).
            String where = "host " + RunRecords.host() + ", executor " + executorId();
            RunRecord r = RunRecords.of(t.point(), in.sweepId(), attempt, RunStatus.FAILED, "task setup failed on " + where + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), start, System.currentTimeMillis(), "unknown", null,
                    List.of());
            IllegalStateException failed = new IllegalStateException("[" + t.point().runId() + "] task setup failed on " + where, e);
            try {
                journal.write(r);
            } catch (IOException | RuntimeException j) {
                failed.addSuppressed(j); // the driver then records the failure itself
            }
            throw failed;
        }
        RunRecord r;
        if (in.standIn() != null) {
            try {
                r = in.standIn().train(in, at);
            } catch (Exception e) {
                r = RunRecords.of(t.point(), in.sweepId(), attempt, Failures.status(e), e.getClass().getSimpleName() + ": " + e.getMessage(),
                        start, System.currentTimeMillis(), device, null, List.of());
            }
        } else {
            r = PointTrainer.train(t.point(), in.sweepId(), attempt, in.files(), in.layout(), new LocalEpochFitter(train), test, classifier, device, in.faults(), t.encoder());
        }
        journal.write(r); // before the driver hears of it: a killed driver loses nothing
        return r;
    }
}
