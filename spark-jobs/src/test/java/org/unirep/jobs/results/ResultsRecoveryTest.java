package org.unirep.jobs.results;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.TestPoints;
import org.unirep.training.Checkpoint;
import org.unirep.training.RunStatus;
import org.unirep.training.TrainingRun;

/** Recovery on a results root with every kind of damage the sweep must survive. */
class ResultsRecoveryTest {
    final HadoopFiles files = HadoopFiles.local();

    static final List<String> LABELS = List.of("a1", "b2", "c3", "d4", "e5", "f6", "g7");

    /** The run id of a labelled point (the label's digit is its seed). */
    static String id(String label) {
        return TestPoints.fanOut(Mode.RDP, 0, 0, null, LABELS.indexOf(label) + 1).runId();
    }

    /** The runs or metrics file name of a labelled point's first attempt. */
    static String file(String label) {
        return "run-" + id(label) + "-a1.parquet";
    }

    static RunRecord run(String label, RunStatus status) {
        List<EpochMetrics> history = status == RunStatus.OK ? List.of(new EpochMetrics(1, "test", 0.05, 2.3, 0.5, 1.0)) : List.of();
        return RunRecords.of(TestPoints.fanOut(Mode.RDP, 0, 0, null, LABELS.indexOf(label) + 1), "t", 1, status, null, 0L, 1000L, "cpu",
                null, history);
    }

    @Test
    void damagedResultsAreQuarantinedWithTheirReasonAndIntactOnesKept(@TempDir Path dir) throws IOException {
        ResultsLayout layout = new ResultsLayout(dir.resolve("results").toString());
        ResultsWriter w = new ResultsWriter(files, layout);
        TrainingRun model = TrainingRun.endToEnd(CompressionConfig.reference(Mode.RDP, 3, 3, 0, 1), null);
        for (String id : List.of("a1", "b2", "c3", "e5")) {
            w.commit(run(id, RunStatus.OK));
            Checkpoint.save(files, layout.model(id(id)), model.net(), model.critic(), Map.of("run_id", id(id)));
        }
        w.commit(run("d4", RunStatus.FAILED));
        w.commit(run("f6", RunStatus.DIVERGED));
        w.commit(run("g7", RunStatus.OK));
        Checkpoint.save(files, layout.model(id("g7")), model.net(), model.critic(), Map.of("run_id", id("g7")));
        Path runs = Path.of(layout.partition(ResultsLayout.RUNS, "t")), metrics = Path.of(layout.partition(ResultsLayout.METRICS, "t"));

        truncate(runs.resolve(file("a1")), 100);                                        // truncated runs file
        truncate(Path.of(layout.model(id("b2")), "model.zip"), 3000);                                 // truncated model of an ok run
        Files.copy(metrics.resolve(file("e5")), runs.resolve(file("e5")),
                StandardCopyOption.REPLACE_EXISTING);                                  // wrong schema
        Files.delete(runs.resolve("." + file("e5") + ".crc")); // else Hadoop's checksum sidecar reports it first
        Files.writeString(metrics.resolve(file("d4")), "not parquet");                    // damaged metrics file
        truncate(runs.resolve(file("f6")), 0);                                           // empty runs file
        Files.writeString(Path.of(layout.model(id("g7")), "metadata.json"), "{\"run_id\": \"zz\"}");  // a model of another run
        Files.delete(Path.of(layout.model(id("g7")), ".metadata.json.crc"));
        Files.copy(metrics.resolve(file("c3")), metrics.resolve("run-0000000000000rph-a1.parquet")); // a killed commit's half
        Files.createDirectories(Path.of(layout.staging("t"), "x-a1"));
        Files.writeString(Path.of(layout.staging("t"), "x-a1", "runs.parquet"), "partial");

        ResultsRecovery.Outcome o = ResultsRecovery.recover(files, layout, "t");
        assertEquals(6, o.quarantined());
        assertEquals(2, o.removed(), "the staging folder's entry and the orphaned metrics file");

        assertEquals(List.of(file("c3")), names(runs), "only the intact run stays in the table");
        assertEquals(List.of(file("c3")), names(metrics));
        assertTrue(Checkpoint.isComplete(files, layout.model(id("c3"))));
        assertFalse(Files.exists(Path.of(layout.model(id("b2")))));
        assertFalse(Files.exists(Path.of(layout.staging("t"))));

        Path q;
        try (Stream<Path> s = Files.list(dir.resolve("results/_quarantine/t"))) {
            q = s.findFirst().orElseThrow();
        }
        assertEquals(Stream.of("a1", "b2", "d4", "e5", "f6", "g7").map(ResultsRecoveryTest::file).sorted().toList(),
                names(q.resolve("runs")));
        assertTrue(Files.exists(q.resolve("models/" + id("b2") + "/model.zip")) && Files.exists(q.resolve("models/" + id("g7") + "/metadata.json")));
        String why = Files.readString(q.resolve("_why.txt"));
        for (String reason : List.of(file("a1") + ": not a readable Parquet file", file("b2") + ": its model", "unreadable model",
                file("d4") + ": its metrics file: not a readable Parquet file", file("e5") + ": wrong schema: no column stage",
                file("f6") + ": empty file", file("g7") + ": its model", "metadata.json names run zz")) {
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
