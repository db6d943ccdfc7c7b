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
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.Stage;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ModelRef;
import org.unirep.jobs.results.PendingRecords;
import org.unirep.jobs.results.ResultsCommitter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.results.SweepProgress;
import org.unirep.spark.Cancellation;
import org.unirep.spark.TaskDevice;
import org.unirep.training.RunStatus;

/**
 * Stage 2: every point is its own Spark job of one task (so the Spark UI names it, and the driver
 * hears of each as it ends), submitted from a driver thread of the sweep's scheduler. The task
 * trains the point locally ({@link PointTrainer}) on the broadcast training/test subsets and
 * writes its record to the pending journal; the driver queues it for the next batched commit. A
 * task that dies (lost executor, killed JVM) gets a failed record from the driver; a cancelled
 * sweep writes nothing for the points it did not finish.
 */
public final class FanOutJob {
    private static final Logger log = LoggerFactory.getLogger(FanOutJob.class);

    private FanOutJob() {}

    /** One attempt of a point; {@code encoder}: a universal point's shared encoder as its runs row names it. */
    public record Task(GridPoint point, int attempt, ModelRef encoder) implements Serializable {}

    /**
     * What every task reads: broadcast data, the classifier's location, the results root; {@code standIn}
     * replaces training for the sweep benchmark (null in a sweep).
     */
    public record Inputs(String sweepId, HadoopFiles files, ResultsLayout layout, Broadcast<LabeledImages> train,
                         Broadcast<LabeledImages> test, String classifierDir, FaultInjection faults, StandInTrainer standIn)
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
        jsc.setJobGroup(Cancellation.jobGroup(in.sweepId()), "sweep " + in.sweepId() + " | stage 2 fan-out | " + first.point().label()
                + (ts.size() == 1 ? "" : " and " + (ts.size() - 1) + " more") + " | run " + first.point().runId() + " attempt "
                + first.attempt(), true);
        long start = System.currentTimeMillis();
        List<RunRecord> out = new ArrayList<>();
        try {
            // The inputs travel as a broadcast, once per executor (in the closure every task deserialized them), and the task's
            // function is an object of a named class, which Spark's closure cleaner passes over (a lambda it reads with ASM
            // on every job: most of a short point's driver time, measured with `unirep bench-sweep`).
            RunRecord[][] r = (RunRecord[][]) jsc.sc().runJob(jsc.parallelize(ts, 1).rdd(), new TrainPartition(inputs),
                    scala.reflect.ClassTag$.MODULE$.apply(RunRecord[].class));
            out.addAll(List.of(r[0]));
        } catch (Exception e) {
            if (Cancellation.isCancellation(e)) {
                throw new IOException("sweep " + in.sweepId() + " cancelled while training " + first.point().label(), e);
            }
            // The task itself died (executor lost, JVM killed by the OS): the driver records the failure.
            log.error("[{}] {}: Spark job failed", first.point().runId(), first.point().label(), e);
            PendingRecords journal = new PendingRecords(in.files(), in.layout());
            for (Task t : ts) {
                // A point the task finished (its record is in the journal) before the failure keeps its record.
                RunRecord finished = journal.read(in.sweepId(), t.point().runId(), t.attempt());
                out.add(finished != null ? finished : RunRecords.of(t.point(), in.sweepId(), t.attempt(), RunStatus.FAILED,
                        "Spark task failed: " + e.getMessage(), start, System.currentTimeMillis(), "unknown", null, List.of()));
            }
        }
        for (int i = 0; i < ts.size(); i++) {
            committer.add(out.get(i));
            progress.ended(out.get(i), ts.get(i).point().label());
        }
        return out;
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
                while (tasks.hasNext()) out.add(trainInTask(inputs.value(), tasks.next()));
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

    /** Runs in the executor. */
    static RunRecord trainInTask(Inputs in, Task t) throws IOException {
        if (in.standIn() != null) {
            RunRecord r;
            long start = System.currentTimeMillis();
            try {
                r = in.standIn().train(in, t);
            } catch (Exception e) {
                r = RunRecords.of(t.point(), in.sweepId(), t.attempt(), RunStatus.FAILED, e.toString(), start, System.currentTimeMillis(),
                        "stand-in", null, List.of());
            }
            new PendingRecords(in.files(), in.layout()).write(r);
            return r;
        }
        String device;
        MultiLayerNetwork classifier;
        long start = System.currentTimeMillis();
        try {
            device = TaskDevice.bind();
            classifier = in.classifierDir() == null ? null : CLASSIFIERS.computeIfAbsent(in.classifierDir(), d -> {
                try {
                    return new ModelStore(in.files()).loadMultiLayer(d);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).clone(); // one copy per task: concurrent tasks share the executor
        } catch (Throwable e) { // NoClassDefFoundError of a backend that did not load included
            if (Cancellation.isCancellation(e)) throw e;
            // The attempt's row names where it failed; the task then fails too, so that Spark retries it elsewhere and
            // excludes a host that keeps failing (spark.excludeOnFailure). A retry that trains replaces this row.
            String where = "host " + RunRecords.host() + ", executor " + executorId();
            RunRecord r = RunRecords.of(t.point(), in.sweepId(), t.attempt(), RunStatus.FAILED, "task setup failed on " + where + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), start, System.currentTimeMillis(), "unknown", null,
                    List.of());
            IllegalStateException failed = new IllegalStateException("[" + t.point().runId() + "] task setup failed on " + where, e);
            try {
                new PendingRecords(in.files(), in.layout()).write(r);
            } catch (IOException | RuntimeException journal) {
                failed.addSuppressed(journal); // the driver then records the failure itself
            }
            throw failed;
        }
        RunRecord r = PointTrainer.train(t.point(), in.sweepId(), t.attempt(), in.files(), in.layout(), in.train().value(),
                in.test().value(), classifier, device, in.faults(), t.encoder());
        new PendingRecords(in.files(), in.layout()).write(r); // before the driver hears of it: a killed driver loses nothing
        return r;
    }
}
