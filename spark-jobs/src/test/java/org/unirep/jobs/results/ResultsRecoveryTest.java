package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.TestPoints;
import org.unirep.spark.LocalSpark;
import org.unirep.training.RunStatus;

/**
 * Recovery on a results root with every kind of trouble a submission must survive: attempts a
 * killed driver finished but did not commit (some half committed), a truncated data file, a
 * garbled log entry, stale checkpoints, and a root of the old layout. Nothing is lost that a
 * readable file holds, nothing is duplicated, and a point whose rows are gone trains again.
 */
class ResultsRecoveryTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    final HadoopFiles files = HadoopFiles.local();

    static RunRecord run(int seed, int attempt, RunStatus status) {
        List<EpochMetrics> history = status == RunStatus.OK
                ? List.of(new EpochMetrics(1, "train", 0.06, 2.4, Double.NaN, Double.NaN), new EpochMetrics(1, "test", 0.05, 2.3, 0.5, 1.0))
                : List.of();
        return RunRecords.of(TestPoints.fanOut(Mode.RDP, 0, 0, null, seed), "t", attempt, status, status == RunStatus.OK ? null : "boom",
                0L, 1000L, "cpu", status == RunStatus.OK ? new ModelRef("/m/" + seed, "ab") : null, history);
    }

    SparkSession spark() { return SPARK.session(); }

    Set<String> keys(ResultsLayout layout, String table) {
        Set<String> out = new TreeSet<>();
        for (Row r : ResultsTables.read(spark(), layout, table, "t").collectAsList()) {
            String k = r.<String>getAs("run_id") + "-a" + r.<Integer>getAs("attempt")
                    + (table.equals(ResultsLayout.METRICS) ? "-" + r.getAs("epoch") + r.getAs("split") : "");
            assertTrue(out.add(k), "no duplicate row: " + k);
        }
        return out;
    }

    @Test
    void theJournalIsCommittedOnceHoweverFarItsCommitGot(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        ResultsWriter w = new ResultsWriter(spark(), layout);
        PendingRecords journal = new PendingRecords(files, layout);
        RunRecord committed = run(1, 1, RunStatus.OK), half = run(2, 1, RunStatus.OK), none = run(3, 1, RunStatus.OK),
                failed = run(4, 1, RunStatus.FAILED);
        for (RunRecord r : List.of(committed, half, none, failed)) journal.write(r);
        w.commit(committed); // killed before its journal entry was removed
        ResultsTables.append(spark(), layout, ResultsLayout.METRICS, ResultsWriter.metricRows(List.of(half))); // killed between the two
        Files.writeString(Path.of(layout.pendingDir("t"), "garbled-a1.record"), "not a record");

        ResultsRecovery.Outcome o = ResultsRecovery.recover(spark(), files, layout, "t");

        assertEquals(3, o.recommitted(), "half, none and failed");
        assertEquals(List.of(), o.repaired());
        assertEquals(Set.of(committed.key(), half.key(), none.key(), failed.key()), keys(layout, ResultsLayout.RUNS));
        assertEquals(6, keys(layout, ResultsLayout.METRICS).size(), "2 rows each for the 3 ok attempts, once");
        assertEquals(List.of(), journal.all("t"), "journal emptied (the garbled entry removed)");
        assertEquals(0, ResultsRecovery.recover(spark(), files, layout, "t").recommitted(), "a second recovery has nothing to do");
    }

    @Test
    void aTruncatedDataFileOrAGarbledLogEntryIsRebuiltFromEveryReadableFile(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        ResultsWriter w = new ResultsWriter(spark(), layout);
        w.commit(List.of(run(1, 1, RunStatus.OK), run(2, 1, RunStatus.OK)));
        w.commit(List.of(run(3, 1, RunStatus.OK)));
        w.commit(List.of(run(4, 1, RunStatus.FAILED)));

        // The newest runs log entry garbled: its rows are in a readable file and come back.
        Path log = Path.of(layout.deltaLog(ResultsLayout.RUNS));
        Path newest;
        try (Stream<Path> s = Files.list(log)) {
            newest = s.filter(p -> p.getFileName().toString().matches("[0-9]{20}\\.json")).max(Path::compareTo).orElseThrow();
        }
        Files.writeString(newest, "{garbled");
        org.apache.spark.sql.delta.DeltaLog.clearCache(); // as a fresh driver would
        ResultsRecovery.Outcome o = ResultsRecovery.recover(spark(), files, layout, "t");
        assertEquals(1, o.repaired().size(), o.repaired().toString());
        assertTrue(o.repaired().get(0).startsWith("runs: its log cannot be read"), o.repaired().toString());
        assertEquals(4, keys(layout, ResultsLayout.RUNS).size(), "every row back");

        // The metrics data file of seed 3 truncated: its rows are lost, and its ok attempt is superseded so that it trains again.
        String victim = Arrays.stream(ResultsTables.dataFiles(spark(), layout, ResultsLayout.METRICS, "t"))
                .filter(f -> {
                    List<Row> rows = spark().read().parquet(f).collectAsList();
                    return rows.size() == 2 && rows.get(0).<String>getAs("run_id").equals(run(3, 1, RunStatus.OK).runId());
                }).findFirst().orElseThrow();
        Path file = Path.of(java.net.URI.create(victim));
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 40));
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        org.apache.spark.sql.delta.DeltaLog.clearCache();
        o = ResultsRecovery.recover(spark(), files, layout, "t");
        assertEquals(1, o.repaired().size());
        assertTrue(o.repaired().get(0).startsWith("metrics: data file"), o.repaired().toString());
        assertEquals(4, keys(layout, ResultsLayout.METRICS).size(), "seeds 1 and 2 keep theirs");
        var attempts = ResultsReader.attempts(spark(), layout, "t");
        String lost = run(3, 1, RunStatus.OK).runId();
        assertEquals(RunStatus.FAILED, ResultsReader.latest(attempts.get(lost)).status(), "superseded: it trains again");
        assertEquals(3, ResultsReader.committed(spark(), layout, "t").nextAttempt(lost), "after the superseding row");
        assertTrue(ResultsReader.isFinal(attempts.get(run(1, 1, RunStatus.OK).runId())));
        try (Stream<Path> s = Files.list(dir.resolve("_quarantine"))) {
            assertEquals(2, s.count(), "both damaged tables kept for inspection");
        }
    }

    @Test
    void checkpointsOfPointsThatNoLongerTrainAreRemoved(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        for (String id : List.of("a", "b", "c")) files.writeString(HadoopFiles.join(layout.resume("t", id), "latest.json"), "{}");
        assertEquals(2, ResultsRecovery.removeStaleCheckpoints(files, layout, "t", Set.of("b")));
        assertTrue(Files.exists(Path.of(layout.resume("t", "b"))));
        assertFalse(Files.exists(Path.of(layout.resume("t", "a"))));
    }

    @Test
    void aRootOfTheOldLayoutIsReadThenMigratedOnceLeavingDamagedAttemptsOut(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        List<RunRecord> old = List.of(run(1, 1, RunStatus.OK), run(2, 1, RunStatus.FAILED), run(3, 1, RunStatus.OK));
        for (RunRecord r : old) writeOldLayout(layout, r);
        Files.writeString(Path.of(layout.legacyFile(ResultsLayout.METRICS, "t", old.get(2).runId(), 1)), "not parquet"); // damaged
        Files.deleteIfExists(Path.of(layout.legacyPartition(ResultsLayout.METRICS, "t"), ".run-" + old.get(2).runId() + "-a1.parquet.crc"));

        assertTrue(ResultsTables.isLegacy(files, layout));
        assertEquals(3, ResultsTables.open(spark(), files, layout, ResultsLayout.RUNS).count(), "readers read it as it is");

        ResultsRecovery.Outcome o = ResultsRecovery.recover(spark(), files, layout, "t");
        assertEquals(2, o.migrated(), "the attempt with a damaged metrics file is left out");
        assertFalse(ResultsTables.isLegacy(files, layout));
        assertEquals(Set.of(old.get(0).key(), old.get(1).key()), keys(layout, ResultsLayout.RUNS));
        assertEquals(2, keys(layout, ResultsLayout.METRICS).size());
        Row r = ResultsTables.read(spark(), layout, ResultsLayout.RUNS, "t").where("status = 'ok'").first();
        assertEquals("/m/1", r.getAs("model_path"), "models stay where they are");
        try (Stream<Path> s = Files.walk(dir.resolve("_legacy"))) {
            assertEquals(6, s.filter(p -> p.toString().endsWith(".parquet")).count(), "the old files are kept aside");
        }
        assertEquals(0, ResultsRecovery.recover(spark(), files, layout, "t").migrated(), "once");
    }

    /** One attempt as the old layout wrote it: a Parquet file per table. */
    void writeOldLayout(ResultsLayout layout, RunRecord r) throws IOException {
        write(layout.legacyFile(ResultsLayout.RUNS, "t", r.runId(), r.attempt()), ResultsWriter.RUNS_SCHEMA, List.of(ResultsWriter.RUNS.row(r)));
        List<Group> metrics = new ArrayList<>();
        for (EpochMetrics m : r.history()) metrics.add(ResultsWriter.METRICS.row(new ResultsWriter.MetricsRow(r, m)));
        write(layout.legacyFile(ResultsLayout.METRICS, "t", r.runId(), r.attempt()), ResultsWriter.METRICS_SCHEMA, metrics);
    }

    void write(String path, org.apache.parquet.schema.MessageType schema, List<Group> rows) throws IOException {
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(path)).withType(schema)
                .withConf(files.conf()).build()) {
            for (Group g : rows) w.write(g);
        }
    }
}
