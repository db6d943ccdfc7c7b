package org.unirep.experiments;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierTrainer;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Kind;
import org.unirep.compression.Mode;
import org.unirep.io.HadoopFiles;
import org.unirep.testing.Golden;
import org.unirep.testing.TestData;
import org.unirep.training.RunStatus;

/**
 * The fidelity run's six models (1 epoch on 256 real digits: 2 critic and 2 generator steps each),
 * their rows and CSV, and a rerun that reuses them. Each row's test metrics (100 digits) are pinned in
 * {@code common/src/test/resources/golden/fidelity-run.json}: the same doubles on the machine that
 * pinned them, within {@link Golden#shortTraining} elsewhere (the tolerances and what they were
 * measured from are there). Regenerate, only when the numbers are meant to change, with
 * {@code mvn -B -o test -pl common -Dtest=FidelityRunTest -Dunirep.golden.generate=true}
 * (common/src/test/resources/golden/README.md).
 */
class FidelityRunTest {
    static final int TEST_IMAGES = 100;

    @Test
    void writesSixModelsAndTheCsv_andARerunReusesThem(@TempDir Path out) throws Exception {
        var classifier = ClassifierTrainer.train(TestData.train().head(500), new ClassifierConfig(1, 100, 0.05, 0.9, 1L));
        FidelityRun run = new FidelityRun(HadoopFiles.local(), out.toString(), classifier, TestData.train().head(256),
                TestData.test().head(TEST_IMAGES), "test-checksum");
        CompressionConfig base = CompressionConfig.reference(Mode.RDC, 3, 3, 0.015, 6L).withEpochs(1);
        List<FidelityRun.Row> rows = run.run(List.of(Mode.RDC, Mode.RDP), base, 0.015);

        assertEquals(6, rows.size());
        assertEquals(List.of(Kind.END_TO_END, Kind.END_TO_END, Kind.UNIVERSAL, Kind.END_TO_END, Kind.END_TO_END, Kind.UNIVERSAL),
                rows.stream().map(FidelityRun.Row::kind).toList());
        assertEquals(List.of(0.0, 0.015, 0.0, 0.0, 0.015, 0.0), rows.stream().map(FidelityRun.Row::lambda).toList());
        assertTrue(rows.stream().allMatch(r -> r.status() == RunStatus.OK));
        assertEquals(0.015, rows.get(2).encoderLambda());
        assertEquals(0.015, rows.get(5).encoderLambda());
        assertEquals(3 * Math.log(3) / Math.log(2), rows.get(0).rateBits(), 1e-12);

        // The numbers themselves: every metric of every row (all are measured: each run trains a critic, CE from the classifier).
        Map<String, Double> now = metrics(rows);
        Golden.assertMatches(Golden.values("fidelity-run", () -> now), now, Golden.shortTraining(TEST_IMAGES), true);
        // lambda reaches the training: with 2 generator steps the end-to-end models at 0 and 0.015 already differ.
        assertNotEquals(rows.get(0).mse(), rows.get(1).mse(), "rdc lambda 0 vs 0.015");
        assertNotEquals(rows.get(3).mse(), rows.get(4).mse(), "rdp lambda 0 vs 0.015");

        List<String> csv = Files.readAllLines(out.resolve("fidelity.csv"));
        assertEquals(FidelityRun.CSV_HEADER, csv.get(0));
        assertEquals(7, csv.size());
        for (int i = 0; i < rows.size(); i++) assertEquals(rows.get(i).csv(), csv.get(i + 1), "csv row " + i);
        assertTrue(Files.exists(out.resolve("rdp-universal-0.0/critic.sd")));
        assertTrue(Files.exists(out.resolve("rdc-universal-0.0/critic.sd")), "every run trains and saves a critic");

        // A rerun (after a failure, say) trains nothing and reports the same rows.
        List<FidelityRun.Row> again = new FidelityRun(HadoopFiles.local(), out.toString(), classifier, TestData.train().head(256),
                TestData.test().head(TEST_IMAGES), "test-checksum").run(List.of(Mode.RDC, Mode.RDP), base, 0.015);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).mse(), again.get(i).mse(), 1e-12, "row " + i);
            assertEquals(rows.get(i).ce(), again.get(i).ce(), 1e-12, "row " + i);
            assertEquals(rows.get(i).accuracy(), again.get(i).accuracy(), 1e-12, "row " + i);
            assertEquals(rows.get(i).w1(), again.get(i).w1(), 1e-12, "row " + i);
            assertEquals(Math.round(rows.get(i).seconds() * 10) / 10.0, again.get(i).seconds(), 1e-9, "row " + i + " was not retrained");
        }
    }

    /** MODE/KIND/LAMBDA/METRIC of every row (Golden.shortTraining's keys). */
    static Map<String, Double> metrics(List<FidelityRun.Row> rows) {
        Map<String, Double> m = new TreeMap<>();
        for (FidelityRun.Row r : rows) {
            String point = r.mode().id() + "/" + r.kind().id() + "/" + r.lambda() + "/";
            m.put(point + "mse", r.mse());
            m.put(point + "ce", r.ce());
            m.put(point + "accuracy", r.accuracy());
            m.put(point + "w1", r.w1());
        }
        return m;
    }
}
