package org.unirep.training;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.testing.TestData;

/** A run killed in epoch k starts again at epoch k from its checkpoint and ends with the uninterrupted run's numbers. */
class EpochCheckpointsTest {
    static LabeledImages TRAIN, TEST;

    @BeforeAll
    static void data() throws IOException {
        TRAIN = TestData.train().head(256);
        TEST = TestData.test().head(200);
    }

    static CompressionConfig config() {
        return CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 7L).withEpochs(3);
    }

    @Test
    void aRunKilledInEpochThreeResumesThereAndEndsWithTheSameNumbers(@TempDir Path dir) throws Exception {
        TrainingRun.Result whole = TrainingRun.endToEnd(config(), null).train(TRAIN, TEST);

        EpochCheckpoints checkpoints = new EpochCheckpoints(HadoopFiles.local(), dir.resolve("resume").toString());
        LocalEpochFitter fitter = new LocalEpochFitter(TRAIN);
        EpochFitter killedInEpoch3 = (run, epoch) -> {
            if (epoch == 2) throw new IllegalStateException("killed");
            return fitter.fit(run, epoch);
        };
        assertThrows(IllegalStateException.class, () -> TrainingRun.endToEnd(config(), null)
                .train(killedInEpoch3, TEST, EpochCheckpoints.Progress.NONE, checkpoints));
        try (Stream<Path> s = Files.list(dir.resolve("resume"))) {
            assertEquals(List.of("epoch-2", "latest.json"), s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList(), "the last finished epoch only");
        }

        EpochCheckpoints.Resumed resumed = checkpoints.latest();
        assertEquals(2, resumed.progress().epochsDone());
        assertEquals(whole.history().subList(0, 2), resumed.progress().history());
        TrainingRun again = TrainingRun.of(config(), resumed.state().net(), resumed.state().critic(), null);
        TrainingRun.Result r = again.train(fitter, TEST, resumed.progress(), checkpoints);

        assertEquals(3, r.history().size());
        assertEquals(whole.history(), r.history(), "bit for bit: weights, Adam states, schedule and random draws all resumed");
        assertEquals(whole.trainLoss(), r.trainLoss());
        assertEquals(whole.criticSteps(), r.criticSteps());
        assertEquals(whole.generatorSteps(), r.generatorSteps());
        EpochMetrics last = r.last();
        assertTrue(last.mse() > 0 && Double.isFinite(last.w1()));
    }

    @Test
    void aDamagedCheckpointIsDroppedAndTrainingStartsOver(@TempDir Path dir) throws Exception {
        EpochCheckpoints checkpoints = new EpochCheckpoints(HadoopFiles.local(), dir.resolve("resume").toString());
        Files.createDirectories(dir.resolve("resume"));
        Files.writeString(dir.resolve("resume/latest.json"), "{\"epochs_done\": 1, \"folder\": \"epoch-1\"}");
        assertNull(checkpoints.latest());
        assertFalse(Files.exists(dir.resolve("resume")));
    }
}
