package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.classifier.TrainClassifierJob;
import org.unirep.jobs.classifier.TrainClassifierOptions;
import org.unirep.jobs.ingest.IngestJob;
import org.unirep.jobs.ingest.IngestOptions;
import org.unirep.jobs.ingest.IngestedData;
import org.unirep.jobs.report.CurvePoint;
import org.unirep.jobs.report.Reconstructions;
import org.unirep.jobs.report.ReportJob;
import org.unirep.jobs.report.SqlViews;
import org.unirep.spark.Cancellation;
import org.unirep.spark.LocalSpark;
import org.unirep.spark.StandaloneCluster;
import org.unirep.testing.Await;
import org.unirep.testing.Golden;
import org.unirep.testing.TestData;
import org.unirep.training.Schedule;

/**
 * The sweep end to end on real MNIST subsets: rows and metrics, an injected failure, resume,
 * an interrupted submission, one-worker encoders, and a standalone cluster giving the same rows as
 * local mode. Tests share the ingested data, the classifier and the sweeps of results-a, each made
 * once by whichever test needs it first and kept as a snapshot of its rows: any test runs alone, in
 * any order.
 *
 * <p>The numbers. Each point trains 1 epoch on 256 digits (2 critic and 2 generator steps), so no
 * model is near a useful one: every MSE (0.13 to 0.50) is above the mean-image baseline (predicting
 * the mean digit, {@link #meanImageMse}: 0.062 on these 200 test digits), and a range of plausible
 * values cannot tell a working sweep from a broken one (0.03 < mse < 0.6 passed the mean digit). The ok rows' metrics are pinned instead, in
 * {@code spark-jobs/src/test/resources/golden/sweep-workers-2.json} (the complete sweep of results-a,
 * 2-worker encoders) and {@code sweep-workers-1.json} (one-worker encoders): the same doubles on the
 * machine that pinned them (Spark tasks train on one ND4J thread; two JVMs gave identical rows),
 * within {@link Golden#shortTraining} elsewhere. Regenerate, only when the numbers are meant to
 * change, with {@code mvn -B -o test -pl spark-jobs -Pfast -Dtest=SweepJobTest -Dunirep.golden.generate=true}
 * (spark-jobs/src/test/resources/golden/README.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final int POINTS = 7; // rdc: encoder + 2 universal + 2 end-to-end; rdp: encoder + 1 universal
    /** One-worker encoders: the end-to-end point at the encoder's lambda (rdc 0.015) is the encoder, not trained again. */
    static final int ONE_WORKER_POINTS = 6;
    static final int TEST_EXAMPLES = 200;

    Path dir;
    String ingest, classifier;

    @BeforeAll
    void fixture() throws IOException {
        dir = Files.createTempDirectory("sweep-test");
        ingest = dir.resolve("ingest").toString();
        classifier = dir.resolve("classifier").toString();
        IngestJob.entryPoint(SPARK.session(), new IngestOptions(DatasetName.MNIST, TestData.mnistDir().toString(), ingest, 2, 42L,
                List.of(50, 64), 2000, 400));
        TrainClassifierJob.entryPoint(SPARK.session(), new TrainClassifierOptions(ingest, classifier,
                new ClassifierConfig(2, 50, 0.05, 0.9, 3L), 2, 4));
    }

    @AfterAll
    void cleanup() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    String config(String results, String failPoints) {
        return config("test", results, failPoints);
    }

    String config(String id, String results, String failPoints) {
        return """
                sweep {
                  id = %s
                  ingest = "%s"
                  classifier = "%s"
                  results = "%s"
                  rates = [[3, 3]]
                  modes = [rdc, rdp]
                  epochs = 1
                  train-examples = 256
                  test-examples = 200
                  encoder { workers = 2, averaging-frequency = 2 }
                  rdc { encoder-lambda = 0.015, universal-lambdas = [0, 0.001], end-to-end-lambdas = [0, 0.015] }
                  rdp { encoder-lambda = 0.015, universal-lambdas = [0], end-to-end-lambdas = [] }
                  parallelism = 2
                  retries = 1
                  fault-injection.fail-points = [%s]
                }
                """.formatted(id, ingest, classifier, results, failPoints);
    }

    SweepJob.Result sweep(String results, String failPoints) throws IOException {
        return SweepJob.entryPoint(SPARK.session(), SweepConfig.parse(config(results, failPoints), List.of(), "test.conf"));
    }

    static Dataset<Row> table(String results, String table) {
        return table(SPARK.session(), results, table, "test");
    }

    static Dataset<Row> table(SparkSession spark, String results, String table, String sweepId) {
        return spark.read().format("delta").load(results + "/" + table).filter("sweep_id = '" + sweepId + "'");
    }

    static Map<String, double[]> okRows(String results) {
        return okRows(SPARK.session(), results, "test");
    }

    /** ok rows by run id, of each point's newest attempt: (mse, ce, accuracy, w1) */
    static Map<String, double[]> okRows(SparkSession spark, String results, String sweepId) {
        Dataset<Row> runs = table(spark, results, "runs", sweepId);
        return okRows(runs.withColumn("newest", org.apache.spark.sql.functions.max("attempt").over(
                org.apache.spark.sql.expressions.Window.partitionBy("run_id"))).where("attempt = newest").collectAsList());
    }

    static Map<String, double[]> okRows(List<Row> runs) {
        Map<String, double[]> m = new HashMap<>();
        for (Row r : runs) {
            if (!r.getAs("status").equals("ok")) continue;
            assertNull(m.put(r.getAs("run_id"), new double[] {r.getAs("mse"), r.isNullAt(r.fieldIndex("ce")) ? Double.NaN : r.getAs("ce"),
                    r.isNullAt(r.fieldIndex("accuracy")) ? Double.NaN : r.getAs("accuracy"),
                    r.isNullAt(r.fieldIndex("w1")) ? Double.NaN : r.getAs("w1")}), "two ok rows for " + r.getAs("run_id"));
        }
        return m;
    }

    /** tol: mse, ce, accuracy, w1 */
    static void assertSameRows(Map<String, double[]> expected, Map<String, double[]> actual, double... tol) {
        assertEquals(expected.keySet(), actual.keySet(), "the same points (run ids)");
        List<String> diffs = new ArrayList<>();
        expected.forEach((id, e) -> {
            double[] a = actual.get(id);
            for (int i = 0; i < e.length; i++) {
                boolean same = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= tol[i];
                if (!same) diffs.add(id + " " + List.of("mse", "ce", "accuracy", "w1").get(i) + ": " + e[i] + " vs " + a[i]);
            }
        });
        assertTrue(diffs.isEmpty(), "metrics differ beyond " + Arrays.toString(tol) + ": " + diffs);
    }

    String resultsA() { return dir.resolve("results-a").toString(); }

    /** A sweep's result and the rows of results-a right after it. */
    record Snapshot(SweepJob.Result result, List<Row> runs, List<Row> metrics) {}

    private Snapshot withFailure, rerun, rerunAgain;

    private Snapshot snapshot(SweepJob.Result r) {
        return new Snapshot(r, table(resultsA(), "runs").collectAsList(), table(resultsA(), "metrics").collectAsList());
    }

    /** results-a's first sweep, with a failure injected into one point. */
    synchronized Snapshot withFailure() throws IOException {
        if (withFailure == null) withFailure = snapshot(sweep(resultsA(), "\"universal:rdc:0.001\""));
        return withFailure;
    }

    /** results-a rerun without the failure (after {@link #withFailure}), then once more. */
    synchronized Snapshot rerun() throws IOException {
        withFailure();
        if (rerun == null) {
            rerun = snapshot(sweep(resultsA(), ""));
            rerunAgain = snapshot(sweep(resultsA(), ""));
        }
        return rerun;
    }

    /** The complete sweep's ok rows: the reference the other submissions must reproduce. */
    Map<String, double[]> reference() throws IOException {
        return okRows(rerun().runs());
    }

    private Golden.Pinned referencePins;

    /** The complete sweep's metrics as pinned in golden/sweep-workers-2.json (written from {@link #rerun} when generating). */
    synchronized Golden.Pinned referencePins() throws Exception {
        if (referencePins == null) referencePins = Golden.values("sweep-workers-2", () -> pinKeys(rerun().runs()));
        return referencePins;
    }

    /** The metrics of ok rows by MODE/KIND/LAMBDA/METRIC, KIND "encoder" for stage 1 (Golden.shortTraining's keys). */
    static Map<String, Double> pinKeys(List<Row> runs) {
        Map<String, Double> m = new TreeMap<>();
        for (Row r : runs) {
            if (!r.getAs("status").equals("ok")) continue;
            String point = r.getAs("mode") + "/" + (r.getAs("stage").equals("encoder") ? "encoder" : r.getAs("kind")) + "/"
                    + (double) r.getAs("lambda") + "/";
            for (String metric : List.of("mse", "ce", "accuracy", "w1")) {
                assertNull(m.put(point + metric, r.isNullAt(r.fieldIndex(metric)) ? Double.NaN : r.getAs(metric)), "two ok rows of " + point);
            }
        }
        return m;
    }

    /**
     * MSE per pixel of predicting the mean of {@code test} for every one of its images: what a model
     * that ignores its input can reach at best.
     */
    static double meanImageMse(LabeledImages test) {
        INDArray x = Minibatches.toDataSet(test).getFeatures();
        double norm = x.subRowVector(x.mean(0)).norm2Number().doubleValue();
        return norm * norm / x.length();
    }

    /** The sweep's test digits: the first test-examples (200) of the ingested test split. */
    LabeledImages sweepTestDigits() throws IOException {
        return IngestedData.open(HadoopFiles.local(), ingest).load(Split.TEST).head(TEST_EXAMPLES);
    }

    /** The complete sweep's numbers are those pinned (golden/sweep-workers-2.json). */
    @Test
    void theCompleteSweepsMetricsAreThePinnedOnes() throws Exception {
        Map<String, Double> now = pinKeys(rerun().runs());
        assertEquals(POINTS * 4, now.size());
        Golden.assertMatches(referencePins(), now, Golden.shortTraining(TEST_EXAMPLES), true);
        // A model that outputs the mean digit (the weak range 0.03 < mse < 0.6 passed it) fails these pins, even elsewhere.
        double baseline = meanImageMse(sweepTestDigits());
        assertEquals(0.06218, baseline, 1e-5, "mean-image MSE of the sweep's test digits");
        for (Map.Entry<String, Double> e : referencePins().values().entrySet()) {
            if (!e.getKey().endsWith("/mse")) continue;
            assertFalse(Golden.shortTraining(TEST_EXAMPLES).apply(e.getKey()).accepts(e.getValue(), baseline),
                    e.getKey() + ": pinned " + e.getValue() + ", the mean image's " + baseline + " must not pass");
        }
    }

    /** The report over the complete sweep, with each model's reconstructions of the first test digits. */
    @Test
    void theReportShowsEveryModelsReconstructionsOfTestDigits() throws IOException {
        rerun();
        String out = dir.resolve("report").toString();
        ReportJob.Result r = ReportJob.entryPoint(SPARK.session(), List.of(resultsA()), List.of(), out, TestData.mnistDir().toString());
        for (String mode : List.of("rdc", "rdp")) {
            List<CurvePoint> models = r.curves().stream().filter(p -> p.mode().equals(mode)).toList();
            assertTrue(models.stream().allMatch(p -> p.modelPath() != null), "every ok point names its model");
            int figure = mode.equals("rdc") ? 3 : 5; // rdc: trade-off, accuracy, reconstructions; rdp: trade-off, reconstructions
            BufferedImage grid = ImageIO.read(Path.of(out, "figures", "recon" + figure + ".png").toFile());
            int cell = 28 * Reconstructions.SCALE + Reconstructions.GAP;
            assertEquals((models.size() + 1) * cell + Reconstructions.GAP, grid.getHeight(), mode + ": the originals and a row per model");
            for (int row = 1; row <= models.size(); row++) {
                // A reconstruction is an image, not the grey box of a model that could not be read: its pixels vary.
                Set<Integer> values = new HashSet<>();
                for (int x = Reconstructions.LABEL; x < grid.getWidth(); x++) values.add(grid.getRGB(x, row * cell + cell / 2));
                assertTrue(values.size() > 5, mode + " row " + row + " (" + models.get(row - 1) + ") is a reconstruction");
            }
        }
        assertTrue(Files.readString(Path.of(r.html())).contains("Reconstructions of the first test digits"));
    }

    @Test
    void sweepWritesRunsAndMetricsAndAnInjectedFailureGivesFailedRowsWhileOthersSucceed() throws Exception {
        Snapshot s = withFailure();
        SweepJob.Result r = s.result();
        assertEquals(POINTS, r.total());
        assertEquals(POINTS - 1, r.ok());
        assertEquals(1, r.failed());

        List<Row> runs = s.runs();
        assertEquals(POINTS + 1, runs.size(), "6 ok rows + the failed point's two attempts (retries = 1)");
        List<Row> failed = runs.stream().filter(x -> x.getAs("status").equals("failed")).toList();
        assertEquals(2, failed.size());
        for (Row f : failed) {
            assertEquals("universal", f.getAs("kind"));
            assertEquals(0.001, (double) f.getAs("lambda"), 0);
            assertTrue(((String) f.getAs("error")).contains("fault injected"), (String) f.getAs("error"));
        }
        assertEquals(List.of(1, 2), failed.stream().map(x -> (int) x.getAs("attempt")).sorted().toList());

        Map<String, String> encoders = new HashMap<>();
        for (Row x : runs) if (x.getAs("stage").equals("encoder")) encoders.put(x.getAs("mode"), x.getAs("run_id"));
        assertEquals(2, encoders.size());
        for (Row x : runs) {
            if (!x.getAs("status").equals("ok")) continue;
            assertEquals(3 * Math.log(3) / Math.log(2), (double) x.getAs("rate_bits"), 1e-9);
            assertFalse(x.isNullAt(x.fieldIndex("w1")), "every run trains a critic and reports W1");
            assertFalse(x.isNullAt(x.fieldIndex("ce")), "CE of the classifier on x^");
            if (x.getAs("kind").equals("universal")) assertEquals(encoders.get(x.getAs("mode")), x.getAs("encoder_run_id"));
            assertTrue(new File(URI.create((String) x.getAs("model_path"))).toPath().resolve("metadata.json").toFile().isFile());
            assertTrue((long) ((Timestamp) x.getAs("end_time")).getTime() >= ((Timestamp) x.getAs("start_time")).getTime());
        }
        // The ok rows' numbers: those of the complete sweep as pinned (the failed point aside).
        Map<String, Double> ok = pinKeys(runs);
        assertEquals((POINTS - 1) * 4, ok.size());
        Golden.assertMatches(referencePins().only(ok.keySet()), ok, Golden.shortTraining(TEST_EXAMPLES), true);
        // One test metrics row per epoch of each ok run, same numbers as the summary (1 epoch).
        List<Row> testMetrics = s.metrics().stream().filter(m -> m.getAs("split").equals("test")).toList();
        assertEquals(POINTS - 1, testMetrics.size());
        Map<String, double[]> byRun = okRows(runs);
        for (Row m : testMetrics) assertEquals(byRun.get((String) m.getAs("run_id"))[0], (double) m.getAs("mse"), 1e-12);
        // And one train row: the epoch's means of the loss parts, which add up (loss = distortion + lambda * term).
        List<Row> trainMetrics = s.metrics().stream().filter(m -> m.getAs("split").equals("train")).toList();
        assertEquals(POINTS - 1, trainMetrics.size());
        Map<String, Row> runById = new java.util.HashMap<>();
        for (Row x : runs) runById.put(x.getAs("run_id"), x);
        for (Row m : trainMetrics) {
            Row run = runById.get((String) m.getAs("run_id"));
            boolean rdc = run.getAs("mode").equals("rdc");
            double mse = m.getAs("mse"), term = m.getAs(rdc ? "ce" : "perception"), loss = m.getAs("loss"), lambda = run.getAs("lambda");
            assertTrue(mse > 0.01 && mse < 1, "training distortion " + mse);
            assertTrue(m.isNullAt(m.fieldIndex(rdc ? "perception" : "ce")) && m.isNullAt(m.fieldIndex("accuracy")), "one term per mode");
            double weight = Schedule.lambda(lambda, 0, run.getAs("kind").equals("universal")); // epoch 1: the anneal's at lambda = 0
            assertEquals(mse + weight * term, loss, 1e-6 * Math.abs(loss), run.getAs("mode") + " " + run.getAs("kind") + " " + lambda);
        }
    }

    @Test
    void rerunRetrainsOnlyTheFailedPointThenAddsNothing() throws IOException {
        Map<String, double[]> before = okRows(withFailure().runs());
        Snapshot s = rerun();
        assertEquals(POINTS - 1, s.result().skipped());
        assertEquals(POINTS, s.result().ok());
        Map<String, double[]> after = okRows(s.runs());
        assertEquals(POINTS, after.size());
        before.forEach((id, v) -> assertArrayEquals(v, after.get(id), "finished points are not retrained"));
        assertEquals(POINTS + 2, s.runs().size());

        assertEquals(POINTS, rerunAgain.result().skipped());
        assertEquals(s.runs().size(), rerunAgain.runs().size(), "a complete sweep's rerun adds no row");
        assertEquals(s.metrics().size(), rerunAgain.metrics().size());
    }

    /**
     * A sweep cancelled midway, as its own lease loss or an exception cancels it: through its own
     * Spark job group, which no other test's jobs are in (the shared context's cancelAllJobs would
     * reach them), then rerun.
     */
    @Test
    void interruptedSweepCompletesOnRerunWithoutDuplicatesAndWithTheSameNumbers() throws Exception {
        String id = "interrupted", results = dir.resolve("results-b").toString();
        String group = Cancellation.jobGroup(id);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.session().sparkContext());
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                SweepJob.entryPoint(SPARK.session(), SweepConfig.parse(config(id, results, ""), List.of(), "test.conf"));
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.start();
        // Kill it once the encoders and one fan-out point are saved. Counted from the file system: a query of the runs
        // table is a Spark job that waits for a slot behind the sweep's training tasks, long enough for the sweep to end.
        Await.until("3 saved models of the sweep (or its end)", Duration.ofMinutes(10),
                () -> models(results, id) >= 3 || !t.isAlive());
        jsc.cancelJobGroup(group);
        t.join(TimeUnit.MINUTES.toMillis(5));
        assertFalse(t.isAlive());
        int committed = count(results, id);
        // A point cancelled between saving its model and its journal entry is not committed: 2 of the 3, at least.
        assertTrue(committed >= 2 && committed < POINTS, "interrupted midway: " + committed + " rows, error " + error.get());
        assertNotNull(error.get(), "a cancelled sweep reports it");
        // Tasks still running after the kill would only replace their own attempt's files; wait until none is left.
        Await.until("no job of " + group + " and no task running", Duration.ofMinutes(5), () -> {
            for (int job : jsc.statusTracker().getJobIdsForGroup(group)) {
                SparkJobInfo info = jsc.statusTracker().getJobInfo(job);
                if (info != null && info.status() == JobExecutionStatus.RUNNING) return false;
            }
            for (SparkExecutorInfo e : jsc.sc().statusTracker().getExecutorInfos()) if (e.numRunningTasks() > 0) return false;
            return true;
        });

        // What the old layout's writer left mid-write (a root written before the Delta tables).
        Files.createDirectories(Path.of(results, "_staging", id, "x-a1"));
        Files.writeString(Path.of(results, "_staging", id, "x-a1", "runs.parquet"), "partial");

        SweepJob.Result r = SweepJob.entryPoint(SPARK.session(), SweepConfig.parse(config(id, results, ""), List.of(), "test.conf"));
        assertEquals(POINTS, r.ok());
        assertFalse(Files.exists(Path.of(results, "_pending", id)) && Files.list(Path.of(results, "_pending", id)).findAny().isPresent(),
                "every finished point committed, the journal empty");
        try (Stream<Path> s = Files.walk(Path.of(results, "_staging"))) {
            assertEquals(0, s.filter(Files::isRegularFile).count(), "no staging file left");
        }
        assertEquals(POINTS, table(SPARK.session(), results, "runs", id).count(), "one row per point: no duplicate, no failed row");
        assertEquals(POINTS, table(SPARK.session(), results, "metrics", id).filter("split = 'test'").count(), "one test row per point (1 epoch)");
        assertSameRows(reference(), okRows(SPARK.session(), results, id), 1e-9, 1e-9, 1e-9, 1e-9); // same JVM: bit for bit
    }

    /**
     * With 4 task slots (sweep.parallelism; the tests' one SparkContext is local[2], so Spark runs
     * 2 of the 4 tasks at a time) the two 2-worker encoders train at once, and the rows equal those
     * of the sequential sweep (2 slots) bit for bit.
     */
    @Test
    void twoEncodersTrainAtOnceWhenTheSlotsAllowAndGiveTheRowsOfASequentialSweep() throws Exception {
        String results = dir.resolve("results-d").toString();
        SweepJob.Result r = SweepJob.entryPoint(SPARK.session(), SweepConfig.parse(config(results, "").replace("parallelism = 2",
                "parallelism = 4"), List.of(), "test.conf"));
        assertEquals(POINTS, r.ok());
        List<Row> encoders = table(results, "runs").filter("stage = 'encoder'").collectAsList();
        assertEquals(2, encoders.size());
        long startA = ((Timestamp) encoders.get(0).getAs("start_time")).getTime(), endA = ((Timestamp) encoders.get(0).getAs("end_time")).getTime();
        long startB = ((Timestamp) encoders.get(1).getAs("start_time")).getTime(), endB = ((Timestamp) encoders.get(1).getAs("end_time")).getTime();
        assertTrue(startA < endB && startB < endA, "the encoders' training overlapped: [" + startA + ", " + endA + "] and [" + startB + ", " + endB + "]");
        assertSameRows(reference(), okRows(results), 1e-9, 1e-9, 1e-9, 1e-9);
    }

    /**
     * encoder.workers = 1, the default of every shipped config: each encoder trains as alone, so it
     * is the end-to-end model at its lambda and that point is not trained again (SweepPlan); its
     * numbers are those of the 2-worker sweep's end-to-end point at that lambda, which trained alone
     * in a fan-out task; the universal decoders train on it.
     */
    @Test
    void oneWorkerEncodersAreTheEndToEndPointsAtTheirLambdaAndAreNotTrainedAgain() throws Exception {
        String results = dir.resolve("results-e").toString();
        String conf = config(results, "").replace("encoder { workers = 2, averaging-frequency = 2 }", "encoder { workers = 1, averaging-frequency = 2 }");
        assertTrue(conf.contains("workers = 1"));
        SweepJob.Result r = SweepJob.entryPoint(SPARK.session(), SweepConfig.parse(conf, List.of(), "test.conf"));
        assertEquals(ONE_WORKER_POINTS, r.total(), "rdc: encoder + 2 universal + end-to-end at 0; rdp: encoder + 1 universal");
        assertEquals(ONE_WORKER_POINTS, r.ok());
        assertEquals(0, r.failed() + r.diverged());

        List<Row> runs = table(results, "runs").collectAsList();
        assertEquals(ONE_WORKER_POINTS, runs.size(), "one row per point, all ok");
        assertTrue(runs.stream().allMatch(x -> x.getAs("status").equals("ok")));
        List<Row> fanOutEndToEnd = runs.stream().filter(x -> x.getAs("stage").equals("fanout") && x.getAs("kind").equals("end_to_end")).toList();
        assertEquals(List.of(0.0), fanOutEndToEnd.stream().map(x -> (double) x.getAs("lambda")).toList(),
                "rdc's end-to-end point at the encoder's lambda 0.015 is not trained again");
        Map<String, String> encoders = new HashMap<>();
        for (Row x : runs) {
            if (!x.getAs("stage").equals("encoder")) continue;
            assertTrue(((String) x.getAs("config")).matches("(?s).*\"workers\"\\s*:\\s*1\\b.*"), (String) x.getAs("config"));
            encoders.put(x.getAs("mode"), x.getAs("run_id"));
        }
        assertEquals(2, encoders.size());
        for (Row x : runs) {
            if (x.getAs("kind").equals("universal")) assertEquals(encoders.get(x.getAs("mode")), x.getAs("encoder_run_id"), "on its mode's encoder");
        }
        // An ordinary task, as a fan-out point: its device is the task's, not "spark:1 workers" (no averaging rounds).
        assertEquals(Set.of("cpu:1 thread"), runs.stream().map(x -> (String) x.getAs("device")).collect(Collectors.toSet()));

        // Reused, not retrained: the one-worker rdc encoder is the model the 2-worker sweep trained alone as its
        // end-to-end point at 0.015, and the end-to-end point at 0 is the same point (run id) with the same numbers.
        Map<String, Double> one = pinKeys(runs);
        Map<String, Double> two = pinKeys(rerun().runs());
        for (String metric : List.of("mse", "ce", "accuracy", "w1")) {
            assertEquals(two.get("rdc/end_to_end/0.015/" + metric), one.get("rdc/encoder/0.015/" + metric), 1e-9,
                    "the one-worker encoder trains as alone: " + metric + " of the end-to-end point at 0.015");
            assertEquals(two.get("rdc/end_to_end/0.0/" + metric), one.get("rdc/end_to_end/0.0/" + metric), 1e-9, metric + " at 0");
        }
        assertEquals(runId(rerun().runs(), "rdc", "end_to_end", 0.0), runId(runs, "rdc", "end_to_end", 0.0), "the same point");

        // The curves count the encoder as the end-to-end point at its lambda (notebooks/sql/curves.sql).
        table(results, "runs").createOrReplaceTempView("runs");
        SqlViews.create(SPARK.session(), SqlViews.CURVES);
        List<Row> e2e = SPARK.session().sql("SELECT lambda, mse FROM curves WHERE mode = 'rdc' AND kind = 'end_to_end' ORDER BY lambda")
                .collectAsList();
        assertEquals(List.of(0.0, 0.015), e2e.stream().map(x -> x.getDouble(0)).toList());
        assertEquals(one.get("rdc/encoder/0.015/mse"), e2e.get(1).getDouble(1), 1e-12, "the curve's point at 0.015 is the encoder");

        // Every number as pinned (golden/sweep-workers-1.json).
        Golden.assertMatches(Golden.values("sweep-workers-1", () -> one), one, Golden.shortTraining(TEST_EXAMPLES), true);
    }

    static String runId(List<Row> runs, String mode, String kind, double lambda) {
        return runs.stream().filter(x -> x.getAs("status").equals("ok") && x.getAs("stage").equals("fanout") && x.getAs("mode").equals(mode)
                && x.getAs("kind").equals(kind) && (double) x.getAs("lambda") == lambda).map(x -> (String) x.getAs("run_id"))
                .findFirst().orElseThrow(() -> new AssertionError("no ok " + mode + " " + kind + " row at " + lambda));
    }

    /** Other JVMs: the standalone Master, two Workers, their executors and the driver. */
    @Tag("slow")
    @Test
    void standaloneClusterWithTwoWorkersGivesTheSameRowsAsLocalMode() throws Exception {
        String results = dir.resolve("results-c").toString();
        Path conf = dir.resolve("standalone.conf");
        Files.writeString(conf, config(results, ""));
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("spark-home"), 2)) {
            int rc = cluster.runDriver(dir.resolve("driver.log"), "org.unirep.cli.Main", "sweep", conf.toString(), "--master", cluster.url());
            assertEquals(0, rc, "driver exit status; log: " + dir.resolve("driver.log") + "\n" + tail(dir.resolve("driver.log")));
        }
        assertEquals(POINTS, table(results, "runs").count());
        // Fan-out tasks ran in the workers' executors, one core each; stage 1 on both workers.
        assertEquals(List.of("cpu:1 thread"), table(results, "runs").filter("stage = 'fanout'").select("device").distinct().as(
                Encoders.STRING()).collectAsList());
        assertEquals(List.of("spark:2 workers"), table(results, "runs").filter("stage = 'encoder'").select("device").distinct().as(
                Encoders.STRING()).collectAsList());
        // Other JVMs, other ND4J thread pools: float noise, amplified by lr 1e-2 on models 2 generator steps old.
        assertSameRows(reference(), okRows(results), 1e-2, 0.1, 0.0101, 1.5e-2);
    }

    /** Models a sweep saved (its ok points, committed or not). */
    static int models(String results, String sweepId) throws IOException {
        Path dir = Path.of(results, "models", sweepId);
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> Files.exists(p.resolve("model.zip"))).count();
        }
    }

    /** Committed runs rows of a sweep (0 before its table exists). */
    static int count(String results, String sweepId) {
        if (!Files.isDirectory(Path.of(results, "runs", "_delta_log"))) return 0;
        try {
            return (int) table(SPARK.session(), results, "runs", sweepId).count();
        } catch (Exception e) { // the table is being created
            return 0;
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

}
