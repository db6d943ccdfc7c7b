package org.unirep.training;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierTrainer;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.LossParts;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.testing.TestData;

/** The training loop against REFERENCE.md's "The training loop, exactly", on real digits. */
class TrainingRunTest {
    static MultiLayerNetwork classifier;
    static LabeledImages train, test;

    @BeforeAll
    static void setUp() throws IOException {
        train = TestData.train().head(6400);
        test = TestData.test().head(500);
        classifier = ClassifierTrainer.train(TestData.train().head(3000), new ClassifierConfig(2, 100, 0.05, 0.9, 5L));
    }

    static CompressionConfig config(Mode mode, double lambda, int epochs, long seed) {
        return CompressionConfig.reference(mode, 3, 3, lambda, seed).withEpochs(epochs);
    }

    @Test
    void evenMinibatchesTrainOnlyTheCriticOddOnesOnlyTheEncoderAndDecoder() {
        for (Mode mode : Mode.values()) {
            TrainingRun run = TrainingRun.endToEnd(config(mode, 0.015, 1, 3L), classifier);
            run.beginEpoch(0);
            DataSet b = Minibatches.toDataSet(train, 0, 64);
            List<String> trainable = new ArrayList<>(CompressionModel.ENCODER_LAYERS);
            trainable.addAll(CompressionModel.DECODER_LAYERS);
            Map<String, INDArray> net0 = params(run.net(), trainable), weights0 = weights(run.net(), trainable);
            INDArray critic0 = criticParams(run.critic());
            assertTrue(Double.isNaN(run.steps().step(0, 0, b.getFeatures(), b.getLabels()).total()), "a critic step has no generator loss");
            assertEquals(weights0, weights(run.net(), trainable), mode + ": the critic step leaves encoder and decoder alone");
            assertNotEquals(net0.get("dec4_bn"), params(run.net(), trainable).get("dec4_bn"),
                    mode + ": but its training-mode reconstruction moves BatchNorm's running statistics, as PyTorch's does");
            INDArray critic1 = criticParams(run.critic());
            assertNotEquals(critic0, critic1, mode + ": the critic step trains the critic");
            LossParts parts = run.steps().step(0, 1, b.getFeatures(), b.getLabels());
            double loss = parts.total();
            assertTrue(Double.isFinite(loss) && loss > 0, "generator loss " + loss);
            // The step's parts: distortion (per-pixel MSE of a fresh model: 0.05-0.3), the term before lambda, and their sum.
            assertTrue(parts.distortion() > 0.05 && parts.distortion() < 0.3, mode + ": distortion " + parts.distortion());
            assertTrue(mode == Mode.RDC ? parts.term() > 2.0 && parts.term() < 3.0 : Double.isFinite(parts.term()),
                    mode + ": the second term (RDC: CE of an untrained decoder's x^ in nats, about ln 10) " + parts.term());
            assertEquals(parts.distortion() + CompressionModel.lambda(run.net()) * parts.term(), loss, 1e-6 * loss, mode + ": parts add up");
            assertEquals(critic1, criticParams(run.critic()), mode + ": the generator step leaves the critic alone");
            assertNotEquals(net0.get("enc1"), params(run.net(), trainable).get("enc1"), mode + ": the generator step trains the encoder");
            assertNotEquals(net0.get("dec5"), params(run.net(), trainable).get("dec5"), mode + ": and the decoder");
        }
    }

    @Test
    void anEpochIsOneStepPerMinibatch_rdcTrainsACriticAndReportsW1() {
        // 1,344 images at batch 64: 21 minibatches, critic on 0, 2, ..., 20 and generator on 1, ..., 19.
        TrainingRun run = TrainingRun.endToEnd(config(Mode.RDC, 0.015, 1, 4L), classifier);
        TrainingRun.Result r = run.train(train.head(1344), test);
        assertEquals(RunStatus.OK, r.status(), r.error());
        assertEquals(11, r.criticSteps());
        assertEquals(10, r.generatorSteps());
        assertEquals(10, run.net().getConfiguration().getIterationCount(), "Adam stepped once per generator step");
        assertTrue(Double.isFinite(r.last().w1()), "W1 of an RDC run: " + r.last().w1());
        assertTrue(Double.isFinite(r.last().ce()) && r.last().accuracy() >= 0, "CE " + r.last().ce());
    }

    @Test
    void allThreeLearningRatesFollowTheEpochScheduleAndLambdaZeroIsAnnealed() {
        TrainingRun run = TrainingRun.endToEnd(config(Mode.RDP, 0.0, 30, 5L), classifier);
        run.beginEpoch(0);
        assertEquals(2e-4, run.critic().learningRate(), 1e-12);
        assertEquals(1e-2, run.net().getLearningRate("dec1"), 1e-12);
        assertEquals(0.0005, CompressionModel.lambda(run.net()), 1e-15);
        run.beginEpoch(3);
        assertEquals(0.0005 * 9 / 12, CompressionModel.lambda(run.net()), 1e-15, "lambda_e of epoch 3 of a lambda = 0 run");
        run.beginEpoch(20);
        assertEquals(4e-5, run.critic().learningRate(), 1e-15, "critic lr in epoch 20");
        assertEquals(2e-3, run.net().getLearningRate("enc1"), 1e-12);
        assertEquals(2e-3, run.net().getLearningRate("dec5"), 1e-12);
        assertEquals(0.0, CompressionModel.lambda(run.net()));
        run.beginEpoch(40);
        assertEquals(4e-6, run.critic().learningRate(), 1e-15);
        assertEquals(2e-4, run.net().getLearningRate("dec1"), 1e-12);

        TrainingRun rdc = TrainingRun.endToEnd(config(Mode.RDC, 0.0, 30, 5L), classifier);
        rdc.beginEpoch(3);
        assertEquals(0.0005 * 9 / 12, CompressionModel.lambda(rdc.net()), 1e-15, "the RDC fork anneals its CE weight too");
        TrainingRun fixed = TrainingRun.endToEnd(config(Mode.RDC, 0.015, 30, 5L), classifier);
        fixed.beginEpoch(3);
        assertEquals(0.015, CompressionModel.lambda(fixed.net()), 0.0);
    }

    @Test
    void sameSeedSameNumbers_otherSeedOtherNumbers_andNaNStopsTheRunAsDiverged() {
        LabeledImages small = train.head(320);
        TrainingRun.Result a = TrainingRun.endToEnd(config(Mode.RDC, 0.01, 1, 6L), classifier).train(small, test.head(200));
        TrainingRun.Result b = TrainingRun.endToEnd(config(Mode.RDC, 0.01, 1, 6L), classifier).train(small, test.head(200));
        TrainingRun.Result c = TrainingRun.endToEnd(config(Mode.RDC, 0.01, 1, 7L), classifier).train(small, test.head(200));
        assertEquals(a.last(), b.last());
        assertEquals(a.trainLoss(), b.trainLoss());
        assertNotEquals(a.last().mse(), c.last().mse());
        assertNotEquals(a.last().w1(), c.last().w1());

        TrainingRun broken = TrainingRun.endToEnd(config(Mode.RDC, 0.01, 1, 6L), classifier);
        broken.net().getLayer("dec5").params().putScalar(0, Double.NaN);
        TrainingRun.Result d = broken.train(small, test.head(200));
        assertEquals(RunStatus.DIVERGED, d.status());
        assertTrue(d.error().contains("loss became NaN at epoch 1, step 2"), d.error());
        assertTrue(d.history().isEmpty(), "no metrics from a diverged run");
    }

    @Test
    void endToEndLossFalls_thenAUniversalDecoderTrainsOnTheFrozenEncoderWithTheBaseCritic() {
        TrainingRun base = TrainingRun.endToEnd(config(Mode.RDC, 0.015, 2, 8L), classifier);
        Map<String, INDArray> clfBefore = params(base.net(), List.copyOf(CompressionModel.CLASSIFIER_LAYERS.keySet()));
        double mse0 = Evaluation.evaluate(base.net(), test, 0, base.critic(), classifier, base.seeds()).mse();
        TrainingRun.Result r = base.train(train, test); // 2 epochs x 100 minibatches: 100 generator steps
        assertEquals(RunStatus.OK, r.status(), r.error());
        assertEquals(100, r.generatorSteps());
        assertTrue(r.last().mse() < mse0 - 0.02, "test MSE " + mse0 + " -> " + r.last().mse());
        assertTrue(r.last().mse() < 0.08, "test MSE " + r.last().mse());
        assertEquals(clfBefore, params(base.net(), List.copyOf(CompressionModel.CLASSIFIER_LAYERS.keySet())), "classifier frozen");

        TrainingRun uni = TrainingRun.universal(config(Mode.RDC, 0.0, 1, 9L), classifier, base.net(), base.critic());
        assertEquals(criticParams(base.critic()), criticParams(uni.critic()), "the critic starts as the base model's");
        assertNotSame(base.critic().sameDiff(), uni.critic().sameDiff());
        assertNull(uni.critic().state().adam(), "with a fresh Adam (no moments)");
        assertTrue(uni.universal() && !base.universal());
        Map<String, INDArray> encBefore = params(uni.net(), CompressionModel.ENCODER_LAYERS);
        assertEquals(params(base.net(), CompressionModel.ENCODER_LAYERS), encBefore, "it is the trained encoder");
        Map<String, INDArray> weightsBefore = weights(uni.net(), CompressionModel.ENCODER_LAYERS);
        Map<String, INDArray> decBefore = params(uni.net(), CompressionModel.DECODER_LAYERS);
        uni.beginEpoch(0);
        assertEquals(0.0, CompressionModel.lambda(uni.net()), "a universal decoder's lambda = 0 is not annealed");
        TrainingRun.Result u = uni.train(train.head(640), null);
        assertEquals(RunStatus.OK, u.status(), u.error());
        assertEquals(weightsBefore, weights(uni.net(), CompressionModel.ENCODER_LAYERS), "frozen encoder's weights unchanged");
        assertNotEquals(encBefore.get("enc1_bn"), params(uni.net(), CompressionModel.ENCODER_LAYERS).get("enc1_bn"),
                "its BatchNorm runs in training mode: the running statistics move");
        assertNotEquals(decBefore.get("dec5"), params(uni.net(), CompressionModel.DECODER_LAYERS).get("dec5"), "decoder trains");
        assertNotEquals(criticParams(base.critic()), criticParams(uni.critic()), "its critic trains on");
    }

    static INDArray criticParams(CriticGraph c) {
        return c.sameDiff().getVariable("conv2_w").getArr().dup();
    }

    /** Parameters without BatchNorm's running statistics. */
    static Map<String, INDArray> weights(ComputationGraph net, List<String> layers) {
        Map<String, INDArray> m = new HashMap<>();
        for (String l : layers) {
            net.getLayer(l).paramTable().forEach((k, v) -> { if (!k.equals("mean") && !k.equals("var")) m.put(l + "." + k, v.dup()); });
        }
        return m;
    }

    static Map<String, INDArray> params(ComputationGraph net, List<String> layers) {
        Map<String, INDArray> m = new HashMap<>();
        for (String l : layers) m.put(l, net.getLayer(l).params().dup());
        return m;
    }
}
