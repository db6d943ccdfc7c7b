package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.data.DatasetName;
import org.unirep.jobs.classifier.TrainClassifierJob;
import org.unirep.jobs.classifier.TrainClassifierOptions;
import org.unirep.jobs.ingest.IngestJob;
import org.unirep.jobs.ingest.IngestOptions;
import org.unirep.jobs.report.CurvePoint;
import org.unirep.jobs.report.Reconstructions;
import org.unirep.jobs.report.ReportJob;
import org.unirep.spark.LocalSpark;
import org.unirep.spark.StandaloneCluster;
import org.unirep.testing.TestData;

/**
 * The sweep end to end on real MNIST subsets: rows and metrics, an injected failure, resume,
 * an interrupted submission, and a standalone cluster giving the same rows as local mode.
 * Tests share the ingested data, the classifier and the sweeps of results-a, each made once by
 * whichever test needs it first and kept as a snapshot of its rows: any test runs alone, in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final int POINTS = 7; // rdc: encoder + 2 universal + 2 end-to-end; rdp: encoder + 1 universal

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
        return """
                sweep {
                  id = test
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
                """.formatted(ingest, classifier, results, failPoints);
    }

    SweepJob.Result sweep(String results, String failPoints) throws IOException {
        return SweepJob.entryPoint(SPARK.session(), SweepConfig.parse(config(results, failPoints), List.of(), "test.conf"));
    }

    static Dataset<Row> table(String results, String table) {
        return table(SPARK.session(), results, table, "test");
    }

    static Dataset<Row> table(SparkSession spark, String results, String table, String sweepId) {
        return spark.read().parquet(results + "/" + table).filter("sweep_id = '" + sweepId + "'");
    }

    static Map<String, double[]> okRows(String results) {
        return okRows(SPARK.session(), results, "test");
    }

    /** ok rows by run id: (mse, ce, accuracy, w1) */
    static Map<String, double[]> okRows(SparkSession spark, String results, String sweepId) {
        return okRows(table(spark, results, "runs", sweepId).collectAsList());
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
    void sweepWritesRunsAndMetricsAndAnInjectedFailureGivesFailedRowsWhileOthersSucceed() throws IOException {
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
            double mse = x.getAs("mse");
            assertTrue(mse > 0.03 && mse < 0.6, "test MSE after 256 images (2 generator steps) " + mse);
            assertFalse(x.isNullAt(x.fieldIndex("w1")), "every run trains a critic and reports W1");
            assertTrue((double) x.getAs("ce") > 0, "CE of the classifier on x^");
            if (x.getAs("kind").equals("universal")) assertEquals(encoders.get(x.getAs("mode")), x.getAs("encoder_run_id"));
            assertTrue(new File(URI.create((String) x.getAs("model_path"))).toPath().resolve("metadata.json").toFile().isFile());
            assertTrue((long) ((Timestamp) x.getAs("end_time")).getTime() >= ((Timestamp) x.getAs("start_time")).getTime());
        }
        // One metrics row per epoch of each ok run, same numbers as the summary (1 epoch).
        assertEquals(POINTS - 1, s.metrics().size());
        Map<String, double[]> ok = okRows(runs);
        for (Row m : s.metrics()) assertEquals(ok.get((String) m.getAs("run_id"))[0], (double) m.getAs("mse"), 1e-12);
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

    @Test
    void interruptedSweepCompletesOnRerunWithoutDuplicatesAndWithTheSameNumbers() throws Exception {
        String results = dir.resolve("results-b").toString();
        Path runsDir = Path.of(results, "runs", "sweep_id=test");
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                sweep(results, "");
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.start();
        // Kill it once the encoders and one fan-out point are committed.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (t.isAlive() && count(runsDir) < 3 && System.nanoTime() < deadline) Thread.sleep(100);
        SPARK.session().sparkContext().cancelAllJobs();
        t.join(TimeUnit.MINUTES.toMillis(5));
        assertFalse(t.isAlive());
        int committed = count(runsDir);
        assertTrue(committed >= 3 && committed < POINTS, "interrupted midway: " + committed + " rows, error " + error.get());
        assertNotNull(error.get(), "a cancelled sweep reports it");
        while (SPARK.session().sparkContext().statusTracker().getActiveJobIds().length > 0) Thread.sleep(100);
        Thread.sleep(2000); // tasks still finishing after the kill would only replace their own attempt's files

        // What a kill between the two renames, or mid-write, leaves behind.
        Path metricsDir = Path.of(results, "metrics", "sweep_id=test");
        Path orphan = metricsDir.resolve("run-00000000deadbeef-a1.parquet");
        try (Stream<Path> s = Files.list(metricsDir)) {
            Files.copy(s.findFirst().orElseThrow(), orphan);
        }
        Files.createDirectories(Path.of(results, "_staging", "test", "x-a1"));
        Files.writeString(Path.of(results, "_staging", "test", "x-a1", "runs.parquet"), "partial");

        SweepJob.Result r = sweep(results, "");
        assertEquals(POINTS, r.ok());
        assertFalse(Files.exists(orphan), "uncommitted metrics file removed");
        try (Stream<Path> s = Files.walk(Path.of(results, "_staging"))) {
            assertEquals(0, s.filter(Files::isRegularFile).count(), "no staging file left");
        }
        assertEquals(POINTS, table(results, "runs").count(), "one row per point: no duplicate, no failed row");
        assertEquals(POINTS, table(results, "metrics").count());
        assertSameRows(reference(), okRows(results), 1e-9, 1e-9, 1e-9, 1e-9); // same JVM: bit for bit
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

    static int count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> p.toString().endsWith(".parquet")).count();
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
