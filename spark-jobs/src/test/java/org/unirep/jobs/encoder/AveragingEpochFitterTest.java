package org.unirep.jobs.encoder;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.training.TrainingRun;

class AveragingEpochFitterTest {

    /** Two workers from the same start, different minibatches (one takes a second step): the driver gets their means. */
    @Test
    void theGeneratorBecomesTheWorkersMeanAndItsStepCountTheFurthest() {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.01, 1);
        TrainingRun start = TrainingRun.endToEnd(c, null);
        ComputationGraph driver = start.net();
        ComputationGraph a = driver.clone(), b = driver.clone();
        Nd4j.getRandom().setSeed(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
        TrainingRun ra = TrainingRun.of(c, a, start.critic().copy(), null), rb = TrainingRun.of(c, b, start.critic().copy(), null);
        ra.steps().step(0, 1, Nd4j.rand(DataType.FLOAT, 16, 784), y); // odd index: a generator step
        rb.steps().step(0, 1, Nd4j.rand(DataType.FLOAT, 16, 784), y);
        rb.steps().step(0, 3, Nd4j.rand(DataType.FLOAT, 16, 784), y);
        assertNotEquals(a.params(), b.params());

        AveragingEpochFitter.average(driver, List.of(a, b));

        INDArray mean = a.params().add(b.params()).divi(2);
        assertEquals(0.0, driver.params().sub(mean).amaxNumber().doubleValue(), 1e-7, "weights and BatchNorm statistics");
        INDArray state = a.getUpdater().getStateViewArray().add(b.getUpdater().getStateViewArray()).divi(2);
        assertTrue(state.amaxNumber().doubleValue() > 0, "Adam's moments moved");
        assertEquals(0.0, driver.getUpdater().getStateViewArray().sub(state).amaxNumber().doubleValue(), 1e-9, "Adam's moments");
        assertEquals(2, b.getConfiguration().getIterationCount());
        assertEquals(2, driver.getConfiguration().getIterationCount(), "bias correction goes on from the furthest worker");
    }
}
