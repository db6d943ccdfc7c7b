package org.unirep.compression;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.testing.TestData;
import org.unirep.training.Evaluation;
import org.unirep.training.RunStatus;
import org.unirep.training.Seeds;
import org.unirep.training.TrainingRun;

class RdpTrainingTest {

    @Test
    void graphCriticCopyComputesTheSameDAsTheCritic() throws IOException {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 2L);
        ComputationGraph net = CompressionModel.create(c, null, false);
        CriticGraph critic = CriticGraph.reference(3L);
        CompressionModel.loadCritic(net, critic);
        INDArray x = Minibatches.toDataSet(TestData.test(), 0, 16).getFeatures();
        INDArray[] out = net.output(false, x, Seeds.dither(new SplittableRandom(0), 16, 3, 1.0));
        assertArrayEquals(new long[] {16, 1}, out[1].shape());
        double dGraph = out[1].meanNumber().doubleValue();
        double dCritic = critic.evaluate(x.reshape(16, 1, 28, 28), out[0].reshape(16, 1, 28, 28), Nd4j.zeros(DataType.FLOAT, 16, 1, 1, 1),
                CriticGraph.D_FAKE).get(CriticGraph.D_FAKE).getDouble(0);
        assertEquals(dCritic, dGraph, 1e-4 * Math.max(1, Math.abs(dCritic)));
        assertNotEquals(0.0, dGraph);
    }

    @Test
    void anRdpEpochAlternatesCriticAndGeneratorStepsOnRealDigits() throws IOException {
        LabeledImages train = TestData.train().head(1280), test = TestData.test().head(200);
        TrainingRun run = TrainingRun.endToEnd(
                CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 4L).withEpochs(1), null);
        double mse0 = Evaluation.evaluate(run.net(), test, 0, run.critic(), null, run.seeds()).mse();
        TrainingRun.Result r = run.train(train, test);
        assertEquals(RunStatus.OK, r.status(), r.error());
        assertEquals(10, r.criticSteps());
        assertEquals(10, r.generatorSteps());
        assertTrue(r.last().mse() < mse0 - 0.05, "test MSE " + mse0 + " -> " + r.last().mse() + " after 10 generator steps");
        // The graph's frozen critic is the critic as last trained.
        INDArray w = run.critic().sameDiff().getVariable("conv2_w").getArr().permute(3, 2, 0, 1);
        assertEquals(w, run.net().getLayer("crit_conv2").paramTable().get("W"));
        assertTrue(Double.isFinite(r.last().w1()), "W1 estimate " + r.last().w1());
        assertTrue(Double.isNaN(r.last().ce()), "no classifier given, no CE");
    }
}
