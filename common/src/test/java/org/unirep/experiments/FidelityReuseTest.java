package org.unirep.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.testing.TestData;

/** `unirep fidelity` reuses a finished model only if everything that made it matches. */
class FidelityReuseTest {

    static FidelityRun run(Path out, LabeledImages train) throws IOException {
        return new FidelityRun(HadoopFiles.local(), out.toString(), null, train, TestData.test().head(50), "test-checksum");
    }

    /** What made the model and when its files were written (a retrained model is written again). */
    static String trainedAt(Path out, String model) throws IOException {
        Config m = new ModelStore(HadoopFiles.local()).metadata(out.resolve(model).toString());
        return m.getString("identity.config") + " " + m.getInt("identity.train_examples") + " "
                + Files.getLastModifiedTime(out.resolve(model).resolve(ModelStore.MODEL_FILE)).toMillis();
    }

    @Test
    void anotherSeedOrSubsetRetrainsTheSameSettingsReuse(@TempDir Path out) throws IOException {
        LabeledImages train = TestData.train().head(32);
        CompressionConfig base = CompressionConfig.reference(Mode.RDP, 2, 2, 0.015, 6L).withEpochs(1);
        run(out, train).run(List.of(Mode.RDP), base, 0.015);
        String e2e = trainedAt(out, "rdp-end_to_end-0.0"), universal = trainedAt(out, "rdp-universal-0.0");

        run(out, train).run(List.of(Mode.RDP), base, 0.015);
        assertEquals(e2e, trainedAt(out, "rdp-end_to_end-0.0"), "same settings: reused");
        assertEquals(universal, trainedAt(out, "rdp-universal-0.0"), "same settings: reused");

        run(out, train).run(List.of(Mode.RDP), CompressionConfig.reference(Mode.RDP, 2, 2, 0.015, 7L).withEpochs(1), 0.015);
        String e2eSeed7 = trainedAt(out, "rdp-end_to_end-0.0");
        assertNotEquals(e2e, e2eSeed7, "another --seed: trained again");
        assertEquals(true, e2eSeed7.contains("seed=7"), e2eSeed7);

        run(out, train.head(16)).run(List.of(Mode.RDP), CompressionConfig.reference(Mode.RDP, 2, 2, 0.015, 7L).withEpochs(1), 0.015);
        assertEquals(true, trainedAt(out, "rdp-end_to_end-0.0").contains(" 16 "), "another --limit-train: trained again");
        assertEquals(true, trainedAt(out, "rdp-universal-0.0").contains(" 16 "), "its universal decoder too");
    }
}
