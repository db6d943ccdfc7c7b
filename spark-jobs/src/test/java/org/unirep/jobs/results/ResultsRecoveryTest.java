package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Objective;
import org.unirep.io.HadoopFiles;
import org.unirep.training.Checkpoint;
import org.unirep.training.TrainingRun;

/** Recovery on a results root with every kind of damage the sweep must survive. */
class ResultsRecoveryTest {
    final HadoopFiles files = HadoopFiles.local();

    static RunRecord run(String id, String status) {
        double mse = status.equals("ok") ? 0.05 : Double.NaN;
        return new RunRecord(id, "t", 1, "fanout", "end_to_end", "rdp", "mnist", 4.75, 3, 3, 0, 0, null, 1, 1, status, null, 0L, 1000L, "h",
                "cpu", null, mse, 2.3, 0.5, 1.0, "{}", status.equals("ok") ? List.of(new EpochMetrics(1, "test", mse, 2.3, 0.5, 1.0)) : List.of());
    }

    @Test
    void damagedResultsAreQuarantinedWithTheirReasonAndIntactOnesKept(@TempDir Path dir) throws IOException {
        ResultsLayout layout = new ResultsLayout(dir.resolve("results").toString());
        ResultsWriter w = new ResultsWriter(files, layout);
        TrainingRun model = TrainingRun.endToEnd(CompressionConfig.reference(Objective.RDP, 3, 3, 0, 1), null);
        for (String id : List.of("a1", "b2", "c3", "e5")) {
            w.commit(run(id, "ok"));
            Checkpoint.save(files, layout.model(id), model.net(), model.critic(), Map.of("run_id", id));
        }
        w.commit(run("d4", "failed"));
        w.commit(run("f6", "diverged"));
        w.commit(run("g7", "ok"));
        Checkpoint.save(files, layout.model("g7"), model.net(), model.critic(), Map.of("run_id", "g7"));
        Path runs = Path.of(layout.partition(ResultsLayout.RUNS, "t")), metrics = Path.of(layout.partition(ResultsLayout.METRICS, "t"));

        truncate(runs.resolve("run-a1-a1.parquet"), 100);                                        // truncated runs file
        truncate(Path.of(layout.model("b2"), "model.zip"), 3000);                                 // truncated model of an ok run
        Files.copy(metrics.resolve("run-e5-a1.parquet"), runs.resolve("run-e5-a1.parquet"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);                                  // wrong schema
        Files.delete(runs.resolve(".run-e5-a1.parquet.crc")); // else Hadoop's checksum sidecar reports it first
        Files.writeString(metrics.resolve("run-d4-a1.parquet"), "not parquet");                    // damaged metrics file
        truncate(runs.resolve("run-f6-a1.parquet"), 0);                                           // empty runs file
        Files.writeString(Path.of(layout.model("g7"), "metadata.json"), "{\"run_id\": \"zz\"}");  // a model of another run
        Files.delete(Path.of(layout.model("g7"), ".metadata.json.crc"));
        Files.copy(metrics.resolve("run-c3-a1.parquet"), metrics.resolve("run-0rphan-a1.parquet")); // a killed commit's half
        Files.createDirectories(Path.of(layout.staging("t"), "x-a1"));
        Files.writeString(Path.of(layout.staging("t"), "x-a1", "runs.parquet"), "partial");

        ResultsRecovery.Outcome o = ResultsRecovery.recover(files, layout, "t");
        assertEquals(6, o.quarantined());
        assertEquals(2, o.removed(), "the staging folder's entry and the orphaned metrics file");

        assertEquals(List.of("run-c3-a1.parquet"), names(runs), "only the intact run stays in the table");
        assertEquals(List.of("run-c3-a1.parquet"), names(metrics));
        assertTrue(Checkpoint.isComplete(files, layout.model("c3")));
        assertFalse(Files.exists(Path.of(layout.model("b2"))));
        assertFalse(Files.exists(Path.of(layout.staging("t"))));

        Path q;
        try (Stream<Path> s = Files.list(dir.resolve("results/_quarantine/t"))) {
            q = s.findFirst().orElseThrow();
        }
        assertEquals(List.of("run-a1-a1.parquet", "run-b2-a1.parquet", "run-d4-a1.parquet", "run-e5-a1.parquet", "run-f6-a1.parquet",
                "run-g7-a1.parquet"), names(q.resolve("runs")));
        assertTrue(Files.exists(q.resolve("models/b2/model.zip")) && Files.exists(q.resolve("models/g7/metadata.json")));
        String why = Files.readString(q.resolve("_why.txt"));
        for (String reason : List.of("run-a1-a1.parquet: not a readable Parquet file", "run-b2-a1.parquet: its model", "unreadable model",
                "run-d4-a1.parquet: its metrics file: not a readable Parquet file", "run-e5-a1.parquet: wrong schema: no column stage",
                "run-f6-a1.parquet: empty file", "run-g7-a1.parquet: its model", "metadata.json names run zz")) {
            assertTrue(why.contains(reason), "'" + reason + "' in\n" + why);
        }

        ResultsRecovery.Outcome again = ResultsRecovery.recover(files, layout, "t");
        assertEquals(new ResultsRecovery.Outcome(0, 0), again, "a clean root is left alone");
    }

    static void truncate(Path f, int bytes) throws IOException {
        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), bytes));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet") && !n.startsWith(".")).sorted().toList();
        }
    }
}
