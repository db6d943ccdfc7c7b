package org.unirep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.jobs.bench.SweepBench;
import org.unirep.jobs.fanout.StandInTrainer;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsReader;
import org.unirep.jobs.results.ResultsTables;
import org.unirep.spark.LocalSpark;
import org.unirep.training.RunStatus;

/**
 * The sweep's machinery around training, with the benchmark's stand-in trainer (a short sleep and
 * a tiny model): many short points in chunks, two sweeps on one results root, a finished sweep's
 * compacted tables, a no-op resubmission, and an encoder whose model is found damaged when its
 * points need it.
 */
class StandInSweepTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static SweepConfig config(String id, String results, int points, int perSeed) {
        return SweepConfig.parse(SweepBench.config(id, results, points, perSeed), List.of(), "test");
    }

    static List<Row> runs(ResultsLayout layout, String sweepId) {
        return ResultsTables.read(SPARK.session(), layout, ResultsLayout.RUNS, sweepId).collectAsList();
    }

    @Test
    void twoSweepsOnOneRootTrainTheSamePointsIntoTheirOwnFoldersAndAFinishedSweepIsCompacted(@TempDir Path dir) throws Exception {
        String results = dir.resolve("results").toString();
        ResultsLayout layout = new ResultsLayout(results);
        StandInTrainer standIn = new StandInTrainer(0.01);
        SweepJob.Result a = SweepJob.entryPoint(SPARK.session(), config("a", results, 60, 30), standIn);
        SweepJob.Result b = SweepJob.entryPoint(SPARK.session(), config("b", results, 60, 30), standIn);
        assertEquals(60, a.ok());
        assertEquals(60, b.ok());

        Map<String, String> modelsA = runs(layout, "a").stream().collect(Collectors.toMap(r -> r.getAs("run_id"), r -> r.getAs("model_path")));
        Map<String, String> modelsB = runs(layout, "b").stream().collect(Collectors.toMap(r -> r.getAs("run_id"), r -> r.getAs("model_path")));
        assertEquals(modelsA.keySet(), modelsB.keySet(), "the same points: the same run ids");
        modelsA.forEach((id, path) -> {
            assertTrue(path.endsWith("/models/a/" + id), path);
            assertTrue(modelsB.get(id).endsWith("/models/b/" + id), "each sweep its own folder: " + modelsB.get(id));
        });
        for (String sweep : List.of("a", "b")) {
            for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
                assertEquals(1, ResultsTables.dataFiles(SPARK.session(), layout, table, sweep).length, sweep + "/" + table + " compacted");
            }
        }
        assertFalse(Files.exists(Path.of(results, "_pending", "a")) && Files.list(Path.of(results, "_pending", "a")).findAny().isPresent());

        SweepJob.Result again = SweepJob.entryPoint(SPARK.session(), config("a", results, 60, 30), standIn);
        assertEquals(60, again.skipped(), "a finished sweep's resubmission trains nothing");
        assertEquals(60, runs(layout, "a").size(), "and writes no row");
    }

    /**
     * Failures are classified: a point whose configuration cannot train is recorded as invalid and
     * neither retried nor trained by a rerun; a point that throws otherwise is retried, up to
     * {@code retries} more attempts in each submission.
     */
    @Test
    void anInvalidPointIsRecordedOnceAndNeverRetriedAFailingOneIsRetriedUpToItsRetries(@TempDir Path dir) throws Exception {
        String results = dir.resolve("results").toString();
        ResultsLayout layout = new ResultsLayout(results);
        StandInTrainer standIn = new StandInTrainer(0.0);
        // 5 points: the encoder (lambda 0.5), universal 0.0 and 0.001, end to end 1.0 and 1.001.
        SweepConfig c = SweepConfig.parse(SweepBench.config("f", results, 5, 5), List.of("sweep.retries = 2",
                "sweep.fault-injection.fail-points = [\"end_to_end:rdp:1.0:invalid\", \"end_to_end:rdp:1.001\"]"), "test");
        SweepJob.Result r = SweepJob.entryPoint(SPARK.session(), c, standIn);
        assertEquals(List.of(3, 1, 1), List.of(r.ok(), r.invalid(), r.failed()));
        Map<Double, List<String>> byLambda = statuses(layout);
        assertEquals(List.of("invalid"), byLambda.get(1.0), "recorded once, not retried");
        assertEquals(List.of("failed", "failed", "failed"), byLambda.get(1.001), "1 + retries attempts");
        String error = runs(layout, "f").stream().filter(x -> x.<Double>getAs("lambda") == 1.0).findFirst().orElseThrow().getAs("error");
        assertTrue(error.startsWith("IllegalArgumentException: fault injected at end_to_end:rdp:1.0:invalid"), error);

        SweepJob.Result again = SweepJob.entryPoint(SPARK.session(), c, standIn);
        assertEquals(4, again.skipped(), "the ok points and the invalid one are done");
        assertEquals(List.of("invalid"), statuses(layout).get(1.0));
        assertEquals(6, statuses(layout).get(1.001).size(), "the failing one gets 1 + retries attempts again");
    }

    /** Each point's statuses in attempt order, by lambda. */
    static Map<Double, List<String>> statuses(ResultsLayout layout) {
        return runs(layout, "f").stream().sorted(java.util.Comparator.comparing(x -> x.<Integer>getAs("attempt"))).collect(
                Collectors.groupingBy(x -> x.<Double>getAs("lambda"), java.util.TreeMap::new, Collectors.mapping(x -> x.<String>getAs("status"),
                        Collectors.toList())));
    }

    /** Regression (CI, stop 32): retrained points reused the lost attempts' numbers, so every metrics row was there twice. */
    @Test
    void pointsWhoseRunsRowsAreLostTrainAgainUnderNewAttemptNumbersWithoutDuplicatingTheirMetrics(@TempDir Path dir) throws Exception {
        String results = dir.resolve("results").toString();
        ResultsLayout layout = new ResultsLayout(results);
        StandInTrainer standIn = new StandInTrainer(0.0);
        assertEquals(5, SweepJob.entryPoint(SPARK.session(), config("r", results, 5, 5), standIn).ok());
        String[] runsFiles = ResultsTables.dataFiles(SPARK.session(), layout, ResultsLayout.RUNS, "r");
        assertEquals(1, runsFiles.length, "compacted");
        Path file = Path.of(java.net.URI.create(runsFiles[0]));
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 100)); // every runs row lost; the metrics rows stay
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        org.apache.spark.sql.delta.DeltaLog.clearCache();

        assertEquals(5, SweepJob.entryPoint(SPARK.session(), config("r", results, 5, 5), standIn).ok(), "all 5 trained again");
        List<Row> runs = runs(layout, "r");
        assertEquals(Set.of(2), runs.stream().map(r -> r.<Integer>getAs("attempt")).collect(Collectors.toSet()),
                "attempt 2: attempt 1 still has its metrics rows");
        var metrics = ResultsTables.read(SPARK.session(), layout, ResultsLayout.METRICS, "r");
        assertEquals(20, metrics.count(), "a train and a test row per attempt, 2 attempts of 5 points");
        assertEquals(metrics.count(), metrics.select("run_id", "attempt", "epoch", "split").distinct().count(), "no duplicate key");
    }

    @Test
    void anEncoderWhoseModelIsDamagedTrainsAgainBeforeThePointsThatNeedIt(@TempDir Path dir) throws Exception {
        String results = dir.resolve("results").toString();
        ResultsLayout layout = new ResultsLayout(results);
        StandInTrainer standIn = new StandInTrainer(0.0);
        assertEquals(5, SweepJob.entryPoint(SPARK.session(), config("d", results, 5, 5), standIn).ok()); // encoder, 2 universal, 2 e2e

        Row encoder = runs(layout, "d").stream().filter(r -> r.getAs("stage").equals("encoder")).findFirst().orElseThrow();
        Path zip = Path.of(java.net.URI.create(encoder.<String>getAs("model_path") + "/model.zip"));
        Files.write(zip, Arrays.copyOf(Files.readAllBytes(zip), 10));
        // A new universal lambda: its point needs the encoder, whose model is then found damaged.
        SweepConfig more = SweepConfig.parse(SweepBench.config("d", results, 5, 5), List.of("sweep.rdp.universal-lambdas = [0, 0.001, 0.002]"),
                "test");
        SweepJob.Result r = SweepJob.entryPoint(SPARK.session(), more, standIn);
        assertEquals(6, r.ok(), "the encoder trained again, then the new point; the rest skipped");

        var attempts = ResultsReader.attempts(SPARK.session(), layout, "d").get(encoder.<String>getAs("run_id"));
        assertEquals(List.of(RunStatus.OK, RunStatus.FAILED, RunStatus.OK), attempts.stream().map(ResultsReader.Attempt::status).toList());
        Row superseding = runs(layout, "d").stream().filter(x -> x.getAs("run_id").equals(encoder.getAs("run_id"))
                && x.<Integer>getAs("attempt") == 2).findFirst().orElseThrow();
        String error = superseding.getAs("error");
        assertTrue(error.contains("damaged"), error);
        assertNull(new org.unirep.jobs.results.ModelRef(attempts.get(2).model().path(), attempts.get(2).model().sha256())
                .check(org.unirep.io.HadoopFiles.local(), encoder.getAs("run_id")), "the retrained model is whole");
        try (Stream<Path> s = Files.list(Path.of(results, "_resume"))) {
            assertEquals(Set.of(), s.flatMap(p -> {
                try {
                    return Files.list(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toSet()), "no checkpoint left");
        } catch (java.nio.file.NoSuchFileException e) {
            // no checkpoint folder at all
        }
    }
}
