package org.unirep.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.LossParts;
import org.unirep.compression.Mode;
import org.unirep.io.HadoopFiles;

/** Epoch checkpoints keep the training rows exactly, and those written before the loss parts existed still resume. */
class EpochCheckpointsLegacyTest {

    @Test
    void trainingRowsRoundTripAndOldCheckpointsResume(@TempDir Path dir) throws Exception {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 2, 2, 0.015, 3L).withEpochs(3);
        TrainingRun run = TrainingRun.endToEnd(c, null);
        EpochMetrics test = new EpochMetrics(1, EpochMetrics.TEST, 0.07, 1.9, 0.3, 4.5);
        EpochMetrics train = EpochMetrics.training(1, Mode.RDP, new LossParts(0.071, -2.1, 0.071 - 0.015 * 2.1));
        EpochCheckpoints checkpoints = new EpochCheckpoints(HadoopFiles.local(), dir.toString());
        checkpoints.save(run.net(), run.critic(), new EpochCheckpoints.Progress(1, List.of(test), List.of(train), 13, 12));

        EpochCheckpoints.Progress back = checkpoints.latest().progress();
        assertEquals(List.of(test), back.history());
        assertEquals(List.of(train), back.training(), "distortion, the perception term and the total, exactly");

        // As the code before the loss parts wrote it: train_loss, and history rows without perception and loss.
        Path latest = dir.resolve("latest.json");
        String old = Files.readString(latest).replaceAll("(?s)\"training\"\\s*:\\s*\\[.*?\\]", "\"train_loss\" : [ \"0.1025\" ]")
                .replaceAll("\"perception\"\\s*:\\s*\"NaN\",?", "").replaceAll("\"loss\"\\s*:\\s*\"NaN\",?", "");
        assertTrue(!old.contains("perception") && old.contains("train_loss"), old);
        Files.writeString(latest, old);
        Files.deleteIfExists(dir.resolve(".latest.json.crc")); // Hadoop's local checksum of the file as written
        EpochCheckpoints.Progress legacy = checkpoints.latest().progress();
        assertEquals(List.of(test), legacy.history());
        assertEquals(1, legacy.training().size());
        EpochMetrics t = legacy.training().get(0);
        assertEquals(List.of(1, EpochMetrics.TRAIN, 0.1025), List.of(t.epoch(), t.split(), t.loss()), "the total, from train_loss");
        assertTrue(Double.isNaN(t.mse()) && Double.isNaN(t.perception()), "its parts were not recorded then");
    }
}
