package org.unirep.jobs.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.io.Sha256;
import org.unirep.jobs.encoder.SharedEncoderJob;
import org.unirep.jobs.fanout.FanOutJob;
import org.unirep.jobs.ingest.IngestedData;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsReader;
import org.unirep.jobs.results.ResultsRecovery;
import org.unirep.jobs.results.ResultsRootCheck;
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
 * it is done. Resumable: points with an ok (or diverged: deterministic) row are skipped, failed
 * ones are retried, and what a killed submission left half-written is removed first.
 */
public final class SweepJob {
    private static final Logger log = LoggerFactory.getLogger(SweepJob.class);

    private SweepJob() {}

    public record Result(int total, int ok, int failed, int diverged, int skipped, double seconds) {}

    public static Result entryPoint(SparkSession spark, SweepConfig c) throws IOException {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(jsc.hadoopConfiguration());

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
        ResultsLayout layout = new ResultsLayout(c.results());
        ResultsRootCheck.writable(files, layout);
        String group = Cancellation.jobGroup(c.id());
        try (SweepLease lease = SweepLease.acquire(files, layout, c.id(), c.lease().ttl(), c.lease().await(),
                () -> jsc.cancelJobGroup(group))) {
            CrashPoint.reach(CrashPoint.LEASE_TAKEN);
            return underLease(spark, jsc, files, layout, lease, group, c, data, plan, classifier, t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lease of sweep " + c.id(), e);
        }
    }

    private static Result underLease(SparkSession spark, JavaSparkContext jsc, HadoopFiles files, ResultsLayout layout, SweepLease lease,
                                     String group, SweepConfig c, IngestedData data, SweepPlan plan, MultiLayerNetwork classifier,
                                     long t0) throws IOException {
        ResultsWriter writer = new ResultsWriter(files, layout);
        FaultInjection faults = new FaultInjection(c.failPoints());
        ResultsRecovery.recover(files, layout, c.id());
        Map<String, List<ResultsReader.Attempt>> attempts = ResultsReader.attempts(spark, files, layout, c.id());

        int skipped = 0;
        for (GridPoint p : concat(plan.encoders(), plan.fanOut())) if (isFinal(attempts.get(p.runId()))) skipped++;
        ResultsRootCheck.space(files, layout, plan.total() - skipped);
        SweepProgress progress = new SweepProgress(c.id(), plan.total(), skipped);
        log.info("sweep {}: {} points ({} shared encoder{}, {} fan-out), {} already done; results at {}", c.id(), plan.total(),
                plan.encoders().size(), plan.encoders().size() == 1 ? "" : "s", plan.fanOut().size(), skipped, files.qualify(c.results()));

        LabeledImages test = data.load(spark, Split.TEST);
        if (c.testExamples() > 0) test = test.head(c.testExamples());

        List<SweepScheduler.Item> encoders = new ArrayList<>(), points = new ArrayList<>();
        Set<String> okEncoders = new HashSet<>();
        for (GridPoint enc : plan.encoders()) {
            List<ResultsReader.Attempt> a = attempts.get(enc.runId());
            if (ResultsReader.ok(a) != null) okEncoders.add(enc.runId());
            else if (!isFinal(a)) encoders.add(new SweepScheduler.Item(enc, ResultsReader.nextAttempt(a)));
        }
        for (GridPoint p : plan.fanOut()) {
            List<ResultsReader.Attempt> a = attempts.get(p.runId());
            if (!isFinal(a)) points.add(new SweepScheduler.Item(p, ResultsReader.nextAttempt(a)));
        }
        if (!encoders.isEmpty() || !points.isEmpty()) {
            // One copy of the training subset serves both stages: stage 1 re-cuts its minibatches from it every epoch.
            LabeledImages train = data.trainingSubset(data.load(spark, Split.TRAIN), c.trainExamples());
            MultiLayerNetwork clf = classifier;
            LabeledImages testSet = test;
            FanOutJob.Inputs in = new FanOutJob.Inputs(c.id(), files, layout, jsc.broadcast(train), jsc.broadcast(test),
                    c.classifier(), faults);
            SweepScheduler.Runner encoder = (enc, attempt) -> {
                jsc.setJobGroup(group, "sweep " + c.id() + " | stage 1", true);
                checkLease(lease, c);
                RunRecord r = SharedEncoderJob.train(jsc, files, layout, enc, c.id(), attempt, in.train(), testSet, clf, faults,
                        "sweep " + c.id() + " | stage 1 shared encoder | " + enc.label() + " | run " + enc.runId());
                checkLease(lease, c);
                writer.commit(r);
                progress.ended(r, enc.label());
                return r;
            };
            SweepScheduler.Runner point = (p, attempt) -> {
                checkLease(lease, c);
                return FanOutJob.train(jsc, in, new FanOutJob.Task(p, attempt), progress);
            };
            SweepScheduler.Runner blocked = (p, attempt) -> {
                long now = System.currentTimeMillis();
                RunRecord r = RunRecords.of(p, c.id(), attempt, RunStatus.FAILED, "its shared encoder (run " + p.encoderRunId()
                        + ") did not train; rerun the sweep to retry both", now, now, "none", null, List.of());
                writer.commit(r);
                progress.ended(r, p.label());
                return r;
            };
            IntSupplier slots = c.parallelism() > 0 ? c::parallelism : () -> TaskSlots.now(jsc);
            new SweepScheduler(c.id(), slots, c.retries(), encoder, point, blocked, () -> jsc.cancelJobGroup(group), progress)
                    .run(encoders, points, okEncoders);
            in.train().destroy();
            in.test().destroy();
        }

        checkLease(lease, c);
        Map<String, List<ResultsReader.Attempt>> after = ResultsReader.attempts(spark, files, layout, c.id());
        int ok = 0, failed = 0, diverged = 0;
        for (GridPoint p : concat(plan.encoders(), plan.fanOut())) {
            List<ResultsReader.Attempt> a = after.get(p.runId());
            if (ResultsReader.ok(a) != null) ok++;
            else if (a != null && a.stream().anyMatch(x -> x.status() == RunStatus.DIVERGED)) diverged++;
            else failed++;
        }
        Result result = new Result(plan.total(), ok, failed, diverged, skipped, (System.nanoTime() - t0) / 1e9);
        log.info("sweep {} done: {} of {} points ok, {} failed, {} diverged ({} were already done), {} s", c.id(), ok, plan.total(),
                failed, diverged, skipped, String.format("%.0f", result.seconds()));
        return result;
    }

    /** A submission whose lease was taken over stops before it writes another row. */
    private static void checkLease(SweepLease lease, SweepConfig c) throws IOException {
        if (lease.lost()) throw new IOException("sweep " + c.id() + ": this submission lost its lease (see the log); stopped");
    }

    /** Ok, or diverged (the same seed diverges again): not retrained. */
    static boolean isFinal(List<ResultsReader.Attempt> attempts) {
        return attempts != null && attempts.stream().anyMatch(a -> a.status() == RunStatus.OK || a.status() == RunStatus.DIVERGED);
    }

    private static List<GridPoint> concat(List<GridPoint> a, List<GridPoint> b) {
        List<GridPoint> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String sha256(HadoopFiles files, String path) throws IOException {
        try (InputStream in = files.open(path)) {
            return Sha256.hex(in).substring(0, 16);
        }
    }
}
