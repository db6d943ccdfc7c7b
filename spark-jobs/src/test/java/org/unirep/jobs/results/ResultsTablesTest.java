package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.spark.LocalSpark;
import org.unirep.training.RunStatus;

/**
 * The commit path (Delta Kernel transactions of files written by this JVM) against what Delta
 * readers need: versions that delta-spark replays, row counts in the log, checkpoints, concurrent
 * writers that both land, and a sweep's partition compacted as it grows.
 */
class ResultsTablesTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static List<RunRecord> batch(int first, int n) {
        List<RunRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(ResultsRecoveryTest.run(first + i, 1, RunStatus.OK));
        return out;
    }

    @Test
    void commitsAreVersionsThatDeltaSparkReadsWithRowCountsAndCheckpoints(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        ResultsWriter w = new ResultsWriter(SPARK.session(), layout);
        for (int b = 0; b < 11; b++) w.commit(batch(100 * b, 3));
        assertEquals(33, ResultsTables.read(SPARK.session(), layout, ResultsLayout.RUNS, "t").count());
        assertEquals(66, ResultsTables.read(SPARK.session(), layout, ResultsLayout.METRICS, "t").count(), "a train and a test row per attempt");
        Path log = dir.resolve("runs/_delta_log");
        String v1 = Files.readString(log.resolve("00000000000000000001.json"));
        assertTrue(v1.contains("\"isBlindAppend\":true") && v1.contains("Kernel-") && v1.contains(TableCommit.ENGINE_INFO), v1);
        assertTrue(v1.contains("\\\"numRecords\\\":3"), "the row count is in the log: " + v1);
        assertTrue(Files.exists(log.resolve("00000000000000000010.checkpoint.parquet")), "a checkpoint every delta.checkpointInterval = 10 versions");
        // A reader that starts from the checkpoint (a fresh log cache) sees every row.
        org.apache.spark.sql.delta.DeltaLog.clearCache();
        assertEquals(33, SPARK.session().read().format("delta").load(layout.table(ResultsLayout.RUNS)).count());
    }

    @Test
    void concurrentCommitsAllLand(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        ResultsTables.create(SPARK.session(), layout);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = 1000 * t;
                done.add(pool.submit(() -> {
                    for (int b = 0; b < 5; b++) new ResultsWriter(SPARK.session(), layout).commit(batch(first + 10 * b, 2));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        List<Row> rows = ResultsTables.read(SPARK.session(), layout, ResultsLayout.RUNS, "t").select("run_id").distinct().collectAsList();
        assertEquals(40, rows.size(), "4 writers x 5 commits x 2 rows, none lost to a conflict");
    }

    @Test
    void aSweepsPartitionIsCompactedAsFilesAccumulate(@TempDir Path dir) throws Exception {
        ResultsLayout layout = new ResultsLayout(dir.toString());
        ResultsTables.create(SPARK.session(), layout);
        int n = ResultsTables.COMPACT_AFTER_FILES;
        for (int b = 0; b < n - 1; b++) ResultsTables.append(SPARK.session(), layout, ResultsLayout.RUNS, ResultsWriter.runRows(batch(b, 1)));
        assertEquals(n - 1, ResultsTables.dataFiles(SPARK.session(), layout, ResultsLayout.RUNS, "t").length);
        ResultsTables.append(SPARK.session(), layout, ResultsLayout.RUNS, ResultsWriter.runRows(batch(n - 1, 1)));
        assertEquals(1, ResultsTables.dataFiles(SPARK.session(), layout, ResultsLayout.RUNS, "t").length);
        assertEquals(n, ResultsTables.read(SPARK.session(), layout, ResultsLayout.RUNS, "t").count());
    }
}
