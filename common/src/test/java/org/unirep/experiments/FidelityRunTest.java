package org.unirep.experiments;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierTrainer;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Kind;
import org.unirep.compression.Mode;
import org.unirep.io.HadoopFiles;
import org.unirep.testing.TestData;
import org.unirep.training.RunStatus;

class FidelityRunTest {

    @Test
    void writesSixModelsAndTheCsv_andARerunReusesThem(@TempDir Path out) throws IOException {
        var classifier = ClassifierTrainer.train(TestData.train().head(500), new ClassifierConfig(1, 100, 0.05, 0.9, 1L));
        FidelityRun run = new FidelityRun(HadoopFiles.local(), out.toString(), classifier, TestData.train().head(64),
                TestData.test().head(100), "test-checksum");
        CompressionConfig base = CompressionConfig.reference(Mode.RDC, 3, 3, 0.015, 6L).withEpochs(1);
        List<FidelityRun.Row> rows = run.run(List.of(Mode.RDC, Mode.RDP), base, 0.015);

        assertEquals(6, rows.size());
        assertEquals(List.of(Kind.END_TO_END, Kind.END_TO_END, Kind.UNIVERSAL, Kind.END_TO_END, Kind.END_TO_END, Kind.UNIVERSAL),
                rows.stream().map(FidelityRun.Row::kind).toList());
        assertTrue(rows.stream().allMatch(r -> r.status() == RunStatus.OK));
        assertEquals(0.015, rows.get(2).encoderLambda());
        assertTrue(rows.stream().limit(3).allMatch(r -> Double.isFinite(r.w1()) && r.ce() > 0), "rdc: CE, and W1 from its critic");
        assertTrue(rows.stream().skip(3).allMatch(r -> Double.isFinite(r.w1()) && r.ce() > 0), "rdp: W1, and CE from the classifier");
        List<String> csv = Files.readAllLines(out.resolve("fidelity.csv"));
        assertEquals(FidelityRun.CSV_HEADER, csv.get(0));
        assertEquals(7, csv.size());
        assertTrue(Files.exists(out.resolve("rdp-universal-0.0/critic.sd")));
        assertTrue(Files.exists(out.resolve("rdc-universal-0.0/critic.sd")), "every run trains and saves a critic");

        // A rerun (after a failure, say) trains nothing and reports the same rows.
        List<FidelityRun.Row> again = new FidelityRun(HadoopFiles.local(), out.toString(), classifier, TestData.train().head(64),
                TestData.test().head(100), "test-checksum").run(List.of(Mode.RDC, Mode.RDP), base, 0.015);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).mse(), again.get(i).mse(), 1e-12, "row " + i);
            assertEquals(rows.get(i).w1(), again.get(i).w1(), 1e-12, "row " + i);
            assertEquals(Math.round(rows.get(i).seconds() * 10) / 10.0, again.get(i).seconds(), 1e-9, "row " + i + " was not retrained");
        }
    }
}
