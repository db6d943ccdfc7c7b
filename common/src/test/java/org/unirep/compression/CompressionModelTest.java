package org.unirep.compression;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierTrainer;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.testing.TestData;

class CompressionModelTest {
    static MultiLayerNetwork classifier;
    static LabeledImages train, test;

    @BeforeAll
    static void setUp() throws IOException {
        train = TestData.train().head(6400);
        test = TestData.test().head(1000);
        classifier = ClassifierTrainer.train(TestData.train().head(3000), new ClassifierConfig(2, 100, 0.05, 0.9, 5L));
    }

    static CompressionConfig rdc(double lambda, int epochs) {
        return CompressionConfig.reference(Objective.RDC, 3, 3, lambda, 21L).withEpochs(epochs);
    }

    @Test
    void rateIsDimTimesLog2Levels() {
        assertEquals(4.755, CompressionConfig.reference(Objective.RDC, 3, 3, 0, 1).rateBits(), 1e-3);
        assertEquals(6.0, CompressionConfig.reference(Objective.RDC, 3, 4, 0, 1).rateBits(), 1e-12);
        assertEquals(8.0, CompressionConfig.reference(Objective.RDC, 4, 4, 0, 1).rateBits(), 1e-12);
        assertEquals(10.0, CompressionConfig.reference(Objective.RDP, 5, 4, 0, 1).rateBits(), 1e-12);
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        assertEquals("quantizer levels L = 1, expected >= 2",
                assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Objective.RDC, 3, 1, 0, 1)).getMessage());
        assertEquals("latent dim = 0, expected >= 1",
                assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Objective.RDC, 0, 3, 0, 1)).getMessage());
        assertEquals("lambda = -0.1, expected a finite value >= 0",
                assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Objective.RDC, 3, 3, -0.1, 1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Objective.RDC, 3, 3, Double.NaN, 1))
                .getMessage().startsWith("lambda = NaN"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompressionModel.create(rdc(0.01, 1), null, false));
        assertTrue(e.getMessage().contains("rdc needs the frozen classifier"), e.getMessage());
    }

    @Test
    void shapesAndCheckpointRoundTripGiveIdenticalOutputs(@TempDir Path dir) throws IOException {
        ComputationGraph net = CompressionModel.create(rdc(0.015, 1), classifier, false);
        INDArray x = Minibatches.toDataSet(test, 0, 32).getFeatures();
        CompressionModel.quantizer(net).setKey(3);
        INDArray[] out = net.output(false, x);
        assertArrayEquals(new long[] {32, 784}, out[0].shape());
        assertArrayEquals(new long[] {32, 10}, out[1].shape());
        assertTrue(out[0].minNumber().doubleValue() >= 0 && out[0].maxNumber().doubleValue() <= 1, "sigmoid output");

        ModelStore store = new ModelStore(HadoopFiles.local());
        store.save(dir.toString(), net, Map.of("kind", "end_to_end", "lambda", 0.015));
        ComputationGraph back = store.loadGraph(dir.toString());
        assertEquals(CompressionModel.quantizer(net), CompressionModel.quantizer(back));
        CompressionModel.quantizer(back).setKey(3);
        INDArray[] again = back.output(false, x);
        assertEquals(out[0], again[0]);
        assertEquals(out[1], again[1]);
        assertEquals(0.015, store.metadata(dir.toString()).getDouble("lambda"));
    }

    @Test
    void endToEndLossFallsAndTheClassifierStaysBitIdentical() {
        // 200 Adam steps of 64 real images (about 2 minutes on 2 cores).
        ComputationGraph net = CompressionModel.create(rdc(0.015, 2), classifier, false);
        Map<String, INDArray> clfBefore = params(net, List.copyOf(CompressionModel.CLASSIFIER_LAYERS.keySet()));
        EpochMetrics before = CompressionEvaluator.evaluate(net, test, 0);
        CompressionTrainer.Result r = CompressionTrainer.train(net, rdc(0.015, 2), train, test, null);
        assertEquals(CompressionTrainer.Status.OK, r.status());
        assertEquals(200, r.steps(), "2 epochs of 100 steps");
        assertTrue(r.trainLoss().get(1) < r.trainLoss().get(0) - 0.01, "train loss falls: " + r.trainLoss());
        assertTrue(r.last().mse() < before.mse() - 0.02, "test MSE " + before.mse() + " -> " + r.last().mse());
        assertTrue(r.last().mse() < 0.075, "test MSE " + r.last().mse());
        assertEquals(clfBefore, params(net, List.copyOf(CompressionModel.CLASSIFIER_LAYERS.keySet())));

        // Universal: a new decoder on this frozen encoder, at another lambda.
        ComputationGraph uni = CompressionModel.create(rdc(0.0, 1), classifier, true);
        CompressionModel.copyEncoder(net, uni);
        Map<String, INDArray> encBefore = params(uni, CompressionModel.ENCODER_LAYERS);
        Map<String, INDArray> decBefore = params(uni, CompressionModel.DECODER_LAYERS);
        CompressionTrainer.Result u = CompressionTrainer.train(uni, rdc(0.0, 1), train.head(1280), null, null);
        assertEquals(CompressionTrainer.Status.OK, u.status());
        assertEquals(encBefore, params(uni, CompressionModel.ENCODER_LAYERS), "frozen encoder unchanged");
        assertEquals(params(net, CompressionModel.ENCODER_LAYERS), encBefore, "it is the trained encoder");
        assertEquals(clfBefore, params(uni, List.copyOf(CompressionModel.CLASSIFIER_LAYERS.keySet())));
        assertNotEquals(decBefore.get("dec5"), params(uni, CompressionModel.DECODER_LAYERS).get("dec5"), "decoder trains");
    }

    @Test
    void sameSeedSameNumbers_andNaNStopsTheRunAsDiverged() {
        CompressionConfig c = rdc(0.01, 1);
        CompressionTrainer.Result a = CompressionTrainer.train(CompressionModel.create(c, classifier, false), c, train.head(320), test.head(200), null);
        CompressionTrainer.Result b = CompressionTrainer.train(CompressionModel.create(c, classifier, false), c, train.head(320), test.head(200), null);
        assertEquals(a.net().params(), b.net().params());
        assertEquals(a.last(), b.last());

        ComputationGraph broken = CompressionModel.create(c, classifier, false);
        broken.getLayer("dec5").params().putScalar(0, Double.NaN);
        CompressionTrainer.Result d = CompressionTrainer.train(broken, c, train.head(320), test.head(200), null);
        assertEquals(CompressionTrainer.Status.DIVERGED, d.status());
        assertTrue(d.error().contains("loss became NaN at epoch 1, step 1"), d.error());
        assertTrue(d.history().isEmpty(), "no metrics from a diverged run");
    }

    static Map<String, INDArray> params(ComputationGraph net, List<String> layers) {
        Map<String, INDArray> m = new java.util.HashMap<>();
        for (String l : layers) m.put(l, net.getLayer(l).params().dup());
        return m;
    }
}
