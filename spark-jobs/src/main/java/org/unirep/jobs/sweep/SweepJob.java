package org.unirep.jobs.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.Split;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.io.Sha256;
import org.unirep.jobs.encoder.SharedEncoderJob;
import org.unirep.jobs.fanout.FanOutJob;
import org.unirep.jobs.fanout.StandInTrainer;
import org.unirep.jobs.ingest.IngestedData;
import org.unirep.jobs.ingest.SplitSource;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.results.ModelRef;
import org.unirep.jobs.results.PendingRecords;
import org.unirep.jobs.results.ResultsCommitter;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsReader;
import org.unirep.jobs.results.ResultsRecovery;
import org.unirep.jobs.results.ResultsRootCheck;
import org.unirep.jobs.results.ResultsTables;
import org.unirep.jobs.results.ResultsWriter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.results.SweepLease;
import org.unirep.jobs.results.SweepProgress;
import org.unirep.spark.Cancellation;
import org.unirep.spark.TaskSlots;
import org.unirep.training.RunStatus;

/**
 * The main job: a sweep over (rate, mode, lambda, seed). Stage 1 trains each shared encoder
 * data-parallel ({@link SharedEncoderJob}); stage 2 fans out universal decoders on those encoders
 * and end-to-end baselines, one Spark task per point ({@link FanOutJob}). {@link SweepScheduler}
 * fills the cluster's task slots: encoders side by side, an encoder's universal points as soon as
 * it is done. Resumable: the done set is one query of the runs table (a point whose newest attempt
 * is ok, diverged or invalid: deterministic, is skipped); failed ones are retried; what a killed submission
 * finished but did not commit is committed first ({@link ResultsRecovery}). Finished points are
 * committed in batches ({@link ResultsCommitter}) and the sweep's partitions compacted at the end.
 */
public final class SweepJob {
    private static final Logger log = LoggerFactory.getLogger(SweepJob.class);

    private SweepJob() {}

    public record Result(int total, int ok, int failed, int diverged, int invalid, int skipped, double seconds) {}

    public static Result entryPoint(SparkSession spark, SweepConfig c) throws IOException {
        return entryPoint(spark, c, null);
    }

    /**
     * As above; with {@code standIn} (the sweep benchmark) no data or classifier is read and every
     * point, encoders included, runs the stand-in as a Spark task.
     */
    public static Result entryPoint(SparkSession spark, SweepConfig c, StandInTrainer standIn) throws IOException {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(jsc.hadoopConfiguration());
        if (standIn != null) {
            SweepPlan plan = SweepPlan.of(c, "stand-in", "none", 1);
            return underLease(spark, jsc, files, c, null, plan, null, standIn, t0);
        }

        // Inputs are checked before any Spark job runs.
        IngestedData data = IngestedData.open(files, c.ingest());
        if (data.dataset() != c.dataset()) {
            throw new SweepConfigException(c.source() + ": sweep.dataset = " + c.dataset() + " but the ingest at " + c.ingest()
                    + " holds " + data.dataset());
        }
        ModelStore store = new ModelStore(files);
        MultiLayerNetwork classifier = null;
        String classifierId = "none";
        if (c.classifier() != null) {
            if (!store.isComplete(c.classifier())) {
                throw new SweepConfigException(c.source() + ": sweep.classifier = " + c.classifier()
                        + " holds no complete model; train one with `unirep train-classifier`");
            }
            String trainedOn = store.metadata(c.classifier()).getString("dataset_checksum");
            if (!trainedOn.equals(data.datasetChecksum())) {
                log.warn("the classifier at {} was trained on other data (dataset_checksum {}, ingest has {})", c.classifier(),
                        trainedOn, data.datasetChecksum());
            }
            classifier = store.loadMultiLayer(c.classifier());
            classifierId = sha256(files, HadoopFiles.join(c.classifier(), ModelStore.MODEL_FILE));
        }
        int workers = c.encoderWorkers() > 0 ? c.encoderWorkers() : jsc.defaultParallelism();
        SweepPlan plan = SweepPlan.of(c, data.datasetChecksum(), classifierId, workers);
        return underLease(spark, jsc, files, c, data, plan, classifier, null, t0);
    }

    private static Result underLease(SparkSession spark, JavaSparkContext jsc, HadoopFiles files, SweepConfig c, IngestedData data,
                                     SweepPlan plan, MultiLayerNetwork classifier, StandInTrainer standIn, long t0) throws IOException {
        ResultsLayout layout = new ResultsLayout(c.results());
        ResultsRootCheck.writable(files, layout);
        String group = Cancellation.jobGroup(c.id());
        // A YARN application master's retry is this application again: it takes over its earlier attempt's lease.
        try (SweepLease lease = SweepLease.acquire(files, layout, c.id(), jsc.sc().applicationId(),
                jsc.sc().applicationAttemptId().getOrElse(() -> ""), c.lease().ttl(), c.lease().await(), () -> jsc.cancelJobGroup(group))) {
            CrashPoint.reach(CrashPoint.LEASE_TAKEN);
            return run(spark, jsc, files, layout, lease, group, c, data, plan, classifier, standIn, t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lease of sweep " + c.id(), e);
        }
    }

    private static Result run(SparkSession spark, JavaSparkContext jsc, HadoopFiles files, ResultsLayout layout, SweepLease lease,
                              String group, SweepConfig c, IngestedData data, SweepPlan plan, MultiLayerNetwork classifier,
                              StandInTrainer standIn, long t0) throws IOException {
        ResultsRecovery.recover(spark, files, layout, c.id());
        ResultsReader.Committed attempts = ResultsReader.committed(spark, layout, c.id());

        int skipped = 0;
        for (GridPoint p : concat(plan.encoders(), plan.fanOut())) if (ResultsReader.isFinal(attempts.of(p.runId()))) skipped++;
        if (standIn == null) ResultsRootCheck.space(files, layout, plan.total() - skipped); // a stand-in's model is a few hundred bytes
        SweepProgress progress = new SweepProgress(c.id(), plan.total(), skipped);
        try (SweepStop stop = new SweepStop(progress::stoppedLine, System.err)) {
            return train(spark, jsc, files, layout, lease, group, c, data, plan, classifier, standIn, t0, attempts, skipped, progress);
        }
    }

    private static Result train(SparkSession spark, JavaSparkContext jsc, HadoopFiles files, ResultsLayout layout, SweepLease lease,
                                String group, SweepConfig c, IngestedData data, SweepPlan plan, MultiLayerNetwork classifier,
                                StandInTrainer standIn, long t0, ResultsReader.Committed attempts, int skipped, SweepProgress progress)
            throws IOException {
        FaultInjection faults = new FaultInjection(c.failPoints());
        PendingRecords pending = new PendingRecords(files, layout);
        ResultsWriter writer = new ResultsWriter(spark, layout);
        log.info("sweep {}: {} points ({} shared encoder{}, {} fan-out), {} already done; results at {}", c.id(), plan.total(),
                plan.encoders().size(), plan.encoders().size() == 1 ? "" : "s", plan.fanOut().size(), skipped, files.qualify(c.results()));

        List<SweepScheduler.Item> encoders = new ArrayList<>(), points = new ArrayList<>();
        for (GridPoint p : plan.fanOut()) {
            if (!ResultsReader.isFinal(attempts.of(p.runId()))) points.add(new SweepScheduler.Item(p, attempts.nextAttempt(p.runId())));
        }
        Set<String> needed = new HashSet<>(); // encoders whose universal points still train
        for (SweepScheduler.Item i : points) if (i.point().universal()) needed.add(i.point().encoderRunId());
        Map<String, ModelRef> encoderModels = new ConcurrentHashMap<>();
        Set<String> okEncoders = new HashSet<>();
        List<RunRecord> superseded = new ArrayList<>();
        for (GridPoint enc : plan.encoders()) {
            List<ResultsReader.Attempt> a = attempts.of(enc.runId());
            ResultsReader.Attempt ok = ResultsReader.ok(a);
            // An encoder's model is opened only when points still use it: its damage is found then, and it trains again.
            String why = ok != null && needed.contains(enc.runId()) ? damage(files, enc, ok) : null;
            if (why != null) {
                superseded.add(damagedModel(c.id(), enc, attempts.nextAttempt(enc.runId()), ok, why));
                encoders.add(new SweepScheduler.Item(enc, attempts.nextAttempt(enc.runId()) + 1)); // after the superseding row
            } else if (ok != null) {
                okEncoders.add(enc.runId());
                encoderModels.put(enc.runId(), ok.model());
            } else if (!ResultsReader.isFinal(a)) {
                encoders.add(new SweepScheduler.Item(enc, attempts.nextAttempt(enc.runId())));
            }
        }
        writer.commit(superseded);
        Set<String> training = new HashSet<>();
        for (SweepScheduler.Item i : concat(encoders, points)) training.add(i.point().runId());
        ResultsRecovery.removeStaleCheckpoints(files, layout, c.id(), training);

        if (!encoders.isEmpty() || !points.isEmpty()) {
            // Each executor reads its own copy of the data where it runs (SplitSource); the driver reads none.
            SplitSource train = standIn == null ? data.source(Split.TRAIN, c.trainExamples()) : null;
            SplitSource test = standIn == null ? data.source(Split.TEST, c.testExamples()) : null;
            MultiLayerNetwork clf = classifier;
            FanOutJob.Inputs in = new FanOutJob.Inputs(c.id(), files, layout, train, test, c.classifier(), faults, standIn);
            Broadcast<FanOutJob.Inputs> inputs = jsc.broadcast(in);
            try (ResultsCommitter committer = new ResultsCommitter(writer, pending, ResultsCommitter.EVERY, ResultsCommitter.MAX_BATCH,
                    () -> !lease.lost())) {
                // A one-worker encoder is an ordinary task, trained as a fan-out point is; only wider ones average from here.
                SweepScheduler.Runner encoder = (enc, attempt, last) -> {
                    RunRecord r;
                    if (standIn != null || enc.workers() <= 1) {
                        checkLease(lease, c);
                        r = FanOutJob.train(jsc, inputs, new FanOutJob.Task(enc, attempt, last, null), progress, committer);
                    } else {
                        jsc.setJobGroup(group, "sweep " + c.id() + " | stage 1", true);
                        checkLease(lease, c);
                        r = SharedEncoderJob.train(jsc, files, layout, enc, c.id(), attempt, in.train(), in.test(), clf, faults,
                                "sweep " + c.id() + " | stage 1 shared encoder | " + enc.label() + " | run " + enc.runId());
                        pending.write(r);
                        committer.add(r);
                        progress.ended(r, enc.label());
                    }
                    if (r.status() == RunStatus.OK) encoderModels.put(enc.runId(), r.model());
                    return r;
                };
                SweepScheduler.Runner point = (p, attempt, last) -> {
                    checkLease(lease, c);
                    return FanOutJob.train(jsc, inputs, new FanOutJob.Task(p, attempt, last, p.universal() ? encoderModels.get(p.encoderRunId()) : null),
                            progress, committer);
                };
                SweepScheduler.Runner blocked = (p, attempt, last) -> {
                    long now = System.currentTimeMillis();
                    RunRecord r = RunRecords.of(p, c.id(), attempt, RunStatus.FAILED, "its shared encoder (run " + p.encoderRunId()
                            + ") did not train; rerun the sweep to retry both", now, now, "none", null, List.of());
                    committer.add(r);
                    progress.ended(r, p.label());
                    return r;
                };
                IntSupplier slots = c.parallelism() > 0 ? c::parallelism : () -> TaskSlots.now(jsc);
                SweepScheduler.ChunkRunner chunk = items -> {
                    checkLease(lease, c);
                    return FanOutJob.train(jsc, inputs, items.stream().map(i -> new FanOutJob.Task(i.point(), i.attempt(), i.last(),
                            i.point().universal() ? encoderModels.get(i.point().encoderRunId()) : null)).toList(), progress, committer);
                };
                new SweepScheduler(c.id(), slots, c.retries(), encoder, point, blocked, () -> jsc.cancelJobGroup(group), progress)
                        .withChunks(chunk).run(encoders, points, okEncoders);
            } finally {
                inputs.destroy();
            }
            checkLease(lease, c);
            ResultsTables.compact(spark, layout, c.id());
        }

        Map<String, List<ResultsReader.Attempt>> after = ResultsReader.attempts(spark, layout, c.id());
        int ok = 0, failed = 0, diverged = 0, invalid = 0;
        for (GridPoint p : concat(plan.encoders(), plan.fanOut())) {
            ResultsReader.Attempt a = ResultsReader.latest(after.get(p.runId()));
            if (a != null && a.status() == RunStatus.OK) ok++;
            else if (a != null && a.status() == RunStatus.DIVERGED) diverged++;
            else if (a != null && a.status() == RunStatus.INVALID) invalid++;
            else failed++;
        }
        Result result = new Result(plan.total(), ok, failed, diverged, invalid, skipped, (System.nanoTime() - t0) / 1e9);
        log.info("sweep {} done: {} of {} points ok, {} failed, {} diverged, {} invalid ({} were already done), {} s", c.id(), ok,
                plan.total(), failed, diverged, invalid, skipped, String.format("%.0f", result.seconds()));
        return result;
    }

    /** Why an ok encoder's saved model cannot be used (damaged, or not the bytes its row recorded), or null. */
    private static String damage(HadoopFiles files, GridPoint enc, ResultsReader.Attempt ok) {
        if (ok.model() == null) return "its runs row names no model";
        return ok.model().check(files, enc.runId());
    }

    /** The row (attempt {@code attempt}) that supersedes an ok encoder whose model is damaged, so that it trains again. */
    private static RunRecord damagedModel(String sweepId, GridPoint enc, int attempt, ResultsReader.Attempt ok, String why) {
        log.warn("sweep {}: the model of {} ({}) is damaged: {}; training it again", sweepId, enc.label(), ok.model() == null ? "none"
                : ok.model().path(), why);
        long now = System.currentTimeMillis();
        return RunRecords.of(enc, sweepId, attempt, RunStatus.FAILED, "its model is damaged: " + why + "; trained again", now, now,
                "none", null, List.of());
    }

    /** A submission whose lease was taken over stops before it writes another row. */
    private static void checkLease(SweepLease lease, SweepConfig c) throws IOException {
        if (lease.lost()) throw new IOException("sweep " + c.id() + ": this submission lost its lease (see the log); stopped");
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String sha256(HadoopFiles files, String path) throws IOException {
        try (InputStream in = files.open(path)) {
            return Sha256.hex(in).substring(0, 16);
        }
    }
}
