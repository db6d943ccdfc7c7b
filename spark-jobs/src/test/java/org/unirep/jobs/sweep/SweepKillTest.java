package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.data.DatasetName;
import org.unirep.io.CrashPoint;
import org.unirep.io.Json;
import org.unirep.jobs.classifier.TrainClassifierJob;
import org.unirep.jobs.classifier.TrainClassifierOptions;
import org.unirep.jobs.ingest.IngestJob;
import org.unirep.jobs.ingest.IngestOptions;
import org.unirep.spark.LocalSpark;
import org.unirep.spark.StandaloneCluster;
import org.unirep.testing.Await;
import org.unirep.testing.TestData;

/**
 * The sweep's driver killed (JVM halted, as kill -9 leaves things) at crash points chosen by a
 * seeded RNG, results damaged between submissions, and a second submission started while one
 * runs; after a final submission the tables equal those of an uninterrupted run: same run ids,
 * same metrics, no duplicate, no orphan. Each submission is its own JVM (tagged slow: {@code -Pfast}
 * leaves it out).
 */
@Tag("slow")
class SweepKillTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final int POINTS = 6; // rdc: encoder + 2 universal + 1 end-to-end; rdp: encoder + 1 universal
    static final long SEED = 15;

    @TempDir Path dir;

    String config(String results) {
        return """
                sweep {
                  id = kill
                  ingest = "%s"
                  classifier = "%s"
                  results = "%s"
                  rates = [[3, 3]]
                  modes = [rdc, rdp]
                  epochs = 1
                  train-examples = 256
                  test-examples = 200
                  encoder { workers = 2, averaging-frequency = 1 }
                  rdc { encoder-lambda = 0.015, universal-lambdas = [0, 0.001], end-to-end-lambdas = [0.015] }
                  rdp { encoder-lambda = 0.015, universal-lambdas = [0], end-to-end-lambdas = [] }
                  parallelism = 2
                  retries = 0
                }
                """.formatted(dir.resolve("ingest"), dir.resolve("classifier"), results);
    }

    Process submit(String resultsOrConf, String crashAt, Path log) throws IOException {
        String text = resultsOrConf.contains("sweep {") ? resultsOrConf : config(resultsOrConf);
        Path conf = dir.resolve("sweep-" + text.hashCode() + ".conf");
        Files.writeString(conf, text);
        List<String> cmd = new ArrayList<>(StandaloneCluster.javaCommand("-Xmx2g"));
        if (crashAt != null) cmd.add("-Dunirep.crash-at=" + crashAt);
        // Every point committed as it ends, as its own batch: a 6-point sweep then reaches the commit sites in every
        // submission (`unirep bench-sweep --kills` kills batched commits of 10,000 points at random moments).
        cmd.add("-Dunirep.commit-every=0");
        cmd.addAll(List.of("org.unirep.cli.Main", "sweep", conf.toString(), "--master", "local[2]"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    int run(String results, String crashAt, Path log) throws Exception {
        Process p = submit(results, crashAt, log);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "submission did not end in 10 minutes; log " + log);
        return p.exitValue();
    }

    @Test
    void killedDamagedAndConcurrentSubmissionsEndWithTheTablesOfAnUninterruptedRun() throws Exception {
        IngestJob.entryPoint(SPARK.session(), new IngestOptions(DatasetName.MNIST, TestData.mnistDir().toString(),
                dir.resolve("ingest").toString(), 2, 42L, List.of(64), 512, 200));
        TrainClassifierJob.entryPoint(SPARK.session(), new TrainClassifierOptions(dir.resolve("ingest").toString(),
                dir.resolve("classifier").toString(), new ClassifierConfig(1, 64, 0.05, 0.9, 3L), 2, 4));

        String reference = dir.resolve("reference").toString(), results = dir.resolve("results").toString();
        assertEquals(0, run(reference, null, dir.resolve("reference.log")), tail(dir.resolve("reference.log")));

        // Every kind of crash point at least once, then random ones; each with a random arrival count.
        Random rng = new Random(SEED);
        // The commit sites early, while points are left to commit (a sweep of 6 points is soon done; later submissions
        // commit only what damage makes train again).
        List<String> sites = new ArrayList<>(List.of(CrashPoint.STAGE1_ROUND, CrashPoint.COMMITTED, CrashPoint.COMMIT_HALF,
                CrashPoint.RECOVERY_STEP, CrashPoint.COMMIT_STAGED, CrashPoint.STAGE1_ROUND, CrashPoint.COMMIT_HALF, CrashPoint.LEASE_TAKEN,
                CrashPoint.RECOVERY_STEP, CrashPoint.COMMITTED));
        Map<String, Integer> killed = new TreeMap<>();
        List<String> damage = new ArrayList<>();
        List<String> trace = new ArrayList<>();
        int submissions = 0, lastRc = 137;
        for (int i = 0; i < sites.size(); i++) {
            // A finished sweep has nothing left to kill: damage it first (and now and then otherwise).
            if (i > 0 && (lastRc == 0 || rng.nextInt(3) == 0)) damage.add(damageOne(results, rng));
            // The lease is taken once per JVM, and recovery steps only when there is something to recover (a journal
            // left by a kill, damage): their first arrival. The other sites are reached again and again.
            boolean once = sites.get(i).equals(CrashPoint.LEASE_TAKEN) || sites.get(i).equals(CrashPoint.RECOVERY_STEP);
            String at = sites.get(i) + ":" + (once ? 1 : 1 + rng.nextInt(2));
            Path log = dir.resolve("kill-" + i + ".log");
            long t0 = System.nanoTime();
            lastRc = run(results, at, log);
            submissions++;
            trace.add(at + " -> " + lastRc + " (" + (System.nanoTime() - t0) / 1_000_000_000 + " s)");
            assertTrue(lastRc == 137 || lastRc == 0, "submission " + i + " (crash at " + at + ") exit " + lastRc + "\n" + tail(log));
            if (lastRc == 137) killed.merge(sites.get(i), 1, Integer::sum);
        }

        // Two submissions at once: the second stops at once, naming the holder; the first completes the sweep.
        damage.add(damageOne(results, rng));
        Process first = submit(results, null, dir.resolve("final.log"));
        Path lease = Path.of(results, "_leases", "kill.json");
        Await.until(() -> "the first submission to take the lease\n" + tail(dir.resolve("final.log")), Duration.ofMinutes(2),
                () -> Files.exists(lease) || !first.isAlive());
        assertTrue(Files.exists(lease), "the first submission holds the lease\n" + tail(dir.resolve("final.log")));
        int second = run(results, null, dir.resolve("second.log"));
        String secondLog = Files.readString(dir.resolve("second.log"));
        assertEquals(1, second, secondLog);
        assertTrue(secondLog.contains("sweep kill is already running") && secondLog.contains("pid " + first.pid()), secondLog);
        assertTrue(first.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, first.exitValue(), tail(dir.resolve("final.log")));
        assertFalse(Files.exists(lease), "released at the end");

        System.out.printf("kill test: %d submissions, %d killed %s, %d damaged between them %s; %s%n", submissions,
                killed.values().stream().mapToInt(Integer::intValue).sum(), killed, damage.size(), damage, trace);
        for (String category : List.of(CrashPoint.STAGE1_ROUND, CrashPoint.RECOVERY_STEP, CrashPoint.COMMITTED)) {
            assertTrue(killed.containsKey(category), "killed at " + category + " at least once: " + killed);
        }
        assertTrue(killed.containsKey(CrashPoint.COMMIT_HALF) || killed.containsKey(CrashPoint.COMMIT_STAGED), "killed inside a commit");

        Map<String, double[]> expected = okRows(reference), actual = okRows(results);
        assertEquals(POINTS, expected.size());
        // Separate JVMs on one thread each: the same numbers (measured: bit for bit).
        SweepJobTest.assertSameRows(expected, actual, 1e-6, 1e-6, 1e-6, 1e-6);
        // No row duplicated; a point that trained again (its rows or model lost to damage) has a failed row before its newest.
        Dataset<Row> runs = table(results, "runs");
        assertEquals(runs.count(), runs.select("run_id", "attempt").distinct().count(), "no duplicate runs row");
        Dataset<Row> metrics = table(results, "metrics");
        assertEquals(metrics.count(), metrics.select("run_id", "attempt", "epoch", "split").distinct().count(), "no duplicate metrics row");
        Dataset<Row> newest = runs.withColumn("newest", org.apache.spark.sql.functions.max("attempt").over(
                org.apache.spark.sql.expressions.Window.partitionBy("run_id"))).where("attempt = newest");
        assertEquals(POINTS, newest.where("status = 'ok'").count(), "every point ends ok");
        assertEquals(POINTS, newest.join(metrics.where("split = 'test'"), scala.collection.JavaConverters.asScalaBufferConverter(
                List.of("run_id", "attempt")).asScala().toSeq()).count(), "its test metrics row is there (1 epoch): nothing lost");
        assertEquals(runs.where("status = 'ok'").count() - POINTS, runs.where("status = 'failed' AND error LIKE '%trained again%'").count(),
                "an ok attempt is superseded only by a row saying why");
        assertFalse(Files.isDirectory(Path.of(results, "_pending", "kill")) && Files.list(Path.of(results, "_pending", "kill")).findAny()
                .isPresent(), "the journal is empty");
    }

    @Test
    void pointsKilledMidTrainingResumeAtTheirEpochWithTheNumbersOfAnUninterruptedRun() throws Exception {
        IngestJob.entryPoint(SPARK.session(), new IngestOptions(DatasetName.MNIST, TestData.mnistDir().toString(),
                dir.resolve("ingest").toString(), 2, 42L, List.of(64), 256, 100));
        String reference = dir.resolve("reference").toString(), results = dir.resolve("results").toString();
        // RDP without a classifier: a 3-epoch stage-1 encoder and a 3-epoch universal decoder on it.
        Function<String, String> conf = r -> """
                sweep {
                  id = kill
                  ingest = "%s"
                  classifier = null
                  results = "%s"
                  modes = [rdp]
                  epochs = 3
                  train-examples = 128
                  test-examples = 100
                  encoder { workers = 2, averaging-frequency = 1 }
                  rdp { encoder-lambda = 0.015, universal-lambdas = [0], end-to-end-lambdas = [] }
                  parallelism = 1
                  retries = 0
                }
                """.formatted(dir.resolve("ingest"), r);
        assertEquals(0, run(conf.apply(reference), null, dir.resolve("reference.log")), tail(dir.resolve("reference.log")));

        // Killed once the encoder's epoch 1 is saved; then once the resumed encoder is done and the
        // universal point's epoch 1 is saved (the 2nd save of that submission); then to the end.
        assertEquals(137, run(conf.apply(results), CrashPoint.EPOCH_SAVED + ":1", dir.resolve("k1.log")), tail(dir.resolve("k1.log")));
        assertEquals(List.of(1), epochsSaved(results));
        assertEquals(137, run(conf.apply(results), CrashPoint.EPOCH_SAVED + ":2", dir.resolve("k2.log")), tail(dir.resolve("k2.log")));
        assertTrue(Files.readString(dir.resolve("k2.log")).contains("resuming after epoch 1"), tail(dir.resolve("k2.log")));
        assertEquals(List.of(1), epochsSaved(results), "the encoder is done; the universal point saved its epoch 1");
        assertEquals(0, run(conf.apply(results), null, dir.resolve("k3.log")), tail(dir.resolve("k3.log")));
        assertTrue(Files.readString(dir.resolve("k3.log")).contains("resuming after epoch 1"), tail(dir.resolve("k3.log")));
        assertEquals(List.of(), epochsSaved(results), "checkpoints are removed when their point ends");

        Map<String, double[]> expected = okRows(reference), actual = okRows(results);
        assertEquals(2, expected.size());
        SweepJobTest.assertSameRows(expected, actual, 1e-6, 1e-6, 1e-6, 1e-6);
        assertEquals(3 * 2, table(results, "metrics").filter("split = 'test'").count(), "3 epochs of history per point, resumed ones included");
    }

    /** epochs_done of every epoch checkpoint under the results root. */
    static List<Integer> epochsSaved(String results) throws IOException {
        if (!Files.isDirectory(Path.of(results, "_resume"))) return List.of();
        try (Stream<Path> s = Files.walk(Path.of(results, "_resume"))) {
            List<Integer> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.getFileName().toString().equals("latest.json")).toList()) {
                out.add(Json.parse(Files.readString(p), p.toString()).getInt("epochs_done"));
            }
            return out;
        }
    }

    /** Damages one committed result the way a flaky file system might; returns what it did. */
    static String damageOne(String results, Random rng) throws IOException {
        String table = rng.nextBoolean() ? "runs" : "metrics";
        List<Path> data = parquetFiles(Path.of(results, table, "sweep_id=kill"));
        List<Path> log = logEntries(Path.of(results, table, "_delta_log"));
        switch (rng.nextInt(4)) {
            case 0 -> {
                if (data.isEmpty()) return "nothing to damage";
                truncate(data.get(rng.nextInt(data.size())), 100);
                return table + " data file truncated";
            }
            case 1 -> {
                if (log.isEmpty()) return "nothing to damage";
                Path newest = log.get(log.size() - 1);
                Files.writeString(newest, "{\"add\": garbled");
                Files.deleteIfExists(newest.resolveSibling("." + newest.getFileName() + ".crc"));
                return table + " log entry garbled";
            }
            case 2 -> {
                if (log.size() < 3) return "nothing to damage";
                Files.delete(log.get(1 + rng.nextInt(log.size() - 2)));
                return table + " log entry missing";
            }
            default -> {
                List<Path> models = new ArrayList<>();
                if (Files.isDirectory(Path.of(results, "models", "kill"))) {
                    try (Stream<Path> s = Files.list(Path.of(results, "models", "kill"))) {
                        s.map(p -> p.resolve("model.zip")).filter(Files::exists).sorted().forEach(models::add);
                    }
                }
                if (models.isEmpty()) return "nothing to damage";
                Path model = models.get(rng.nextInt(models.size()));
                truncate(model, (int) Files.size(model) / 2);
                return "model.zip truncated";
            }
        }
    }

    /** A table's log entries (JSON commits), oldest first. */
    static List<Path> logEntries(Path log) throws IOException {
        if (!Files.isDirectory(log)) return List.of();
        try (Stream<Path> s = Files.list(log)) {
            return s.filter(p -> p.getFileName().toString().matches("[0-9]{20}\\.json")).sorted().toList();
        }
    }

    static void truncate(Path f, int bytes) throws IOException {
        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), bytes));
    }

    static List<Path> parquetFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith(".")).toList());
            Collections.sort(l);
            return l;
        }
    }

    static Dataset<Row> table(String results, String table) {
        return SweepJobTest.table(SPARK.session(), results, table, "kill");
    }

    static Map<String, double[]> okRows(String results) {
        return SweepJobTest.okRows(SPARK.session(), results, "kill");
    }

    static String tail(Path log) {
        return SweepJobTest.tail(log);
    }
}
