package org.unirep.compression;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierTrainer;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.testing.TestData;
import org.unirep.training.Checkpoint;
import org.unirep.training.Seeds;

class CompressionModelTest {
    static MultiLayerNetwork classifier;
    static LabeledImages test;

    @BeforeAll
    static void setUp() throws IOException {
        test = TestData.test().head(1000);
        classifier = ClassifierTrainer.train(TestData.train().head(3000), new ClassifierConfig(2, 100, 0.05, 0.9, 5L));
    }

    static CompressionConfig rdc(double lambda, int epochs) {
        return CompressionConfig.reference(Mode.RDC, 3, 3, lambda, 21L).withEpochs(epochs);
    }

    @Test
    void rateIsDimTimesLog2Levels() {
        assertEquals(4.755, CompressionConfig.reference(Mode.RDC, 3, 3, 0, 1).rateBits(), 1e-3);
        assertEquals(6.0, CompressionConfig.reference(Mode.RDC, 3, 4, 0, 1).rateBits(), 1e-12);
        assertEquals(8.0, CompressionConfig.reference(Mode.RDC, 4, 4, 0, 1).rateBits(), 1e-12);
        assertEquals(10.0, CompressionConfig.reference(Mode.RDP, 5, 4, 0, 1).rateBits(), 1e-12);
    }

    /** Without DL4J's oneDNN helpers a convolution layer falls back to a path 5-10x slower (OneDnn). */
    @Test
    void convolutionAndBatchNormLayersRunOnOneDnnHelpers() throws IOException {
        ComputationGraph rdp = CompressionModel.create(CompressionConfig.reference(Mode.RDP, 3, 3, 0.01, 1), null, false);
        ModelStore store = new ModelStore(HadoopFiles.local());
        Path dir = Files.createTempDirectory("onednn");
        store.save(dir.toString(), rdp, Map.of());
        for (ComputationGraph net : List.of(rdp, store.loadGraph(dir.toString()))) {
            int convs = 0, norms = 0;
            for (Layer l : net.getLayers()) {
                Layer inner = l instanceof FrozenLayerWithBackprop f ? f.getInsideLayer() : l;
                String name = l.conf().getLayer().getLayerName();
                if (inner instanceof ConvolutionLayer c && !(inner instanceof Deconvolution2DLayer)) {
                    assertNotNull(c.getHelper(), name + " runs without its oneDNN helper");
                    convs++;
                }
                if (inner instanceof BatchNormalization b) {
                    assertNotNull(b.getHelper(), name + " runs without its oneDNN helper");
                    norms++;
                }
            }
            assertEquals(3, convs, "the frozen critic's three convolutions");
            assertTrue(norms >= 8, "batch norm layers: " + norms);
        }
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        assertEquals("quantizer levels L = 1, expected >= 2",
                assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Mode.RDC, 3, 1, 0, 1)).getMessage());
        assertEquals("latent dim = 0, expected >= 1",
                assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Mode.RDC, 0, 3, 0, 1)).getMessage());
        assertEquals("lambda = -0.1, expected a finite lambda >= 0",
                assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Mode.RDC, 3, 3, -0.1, 1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompressionConfig.reference(Mode.RDC, 3, 3, Double.NaN, 1))
                .getMessage().startsWith("lambda = NaN"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompressionModel.create(rdc(0.01, 1), null, false));
        assertTrue(e.getMessage().contains("rdc needs the frozen classifier"), e.getMessage());
    }

    @Test
    void shapesAndCheckpointRoundTripGiveIdenticalOutputs(@TempDir Path dir) throws IOException {
        ComputationGraph net = CompressionModel.create(rdc(0.015, 1), classifier, false);
        CriticGraph critic = CriticGraph.reference(2).trainWith(2e-4, 0.5, 0.9);
        INDArray x = Minibatches.toDataSet(test, 0, 32).getFeatures();
        INDArray u = Seeds.dither(new SplittableRandom(3), 32, 3, 1.0);
        INDArray[] out = net.output(false, x, u);
        assertArrayEquals(new long[] {32, 784}, out[0].shape());
        assertArrayEquals(new long[] {32, 10}, out[1].shape());
        assertTrue(out[0].minNumber().doubleValue() >= 0 && out[0].maxNumber().doubleValue() <= 1, "sigmoid output");
        assertNotEquals(out[0], net.output(false, x, u.mul(-1))[0], "the dither is an input of the graph");

        Checkpoint.save(HadoopFiles.local(), dir.toString(), net, critic, Map.of("kind", "end_to_end", "lambda", 0.015));
        assertTrue(Checkpoint.isComplete(HadoopFiles.local(), dir.toString()));
        Checkpoint.Loaded back = Checkpoint.load(HadoopFiles.local(), dir.toString());
        assertEquals(CompressionModel.quantizer(net), CompressionModel.quantizer(back.net()));
        INDArray[] again = back.net().output(false, x, u);
        assertEquals(out[0], again[0]);
        assertEquals(out[1], again[1]);
        assertEquals(critic.sameDiff().getVariable("fc_w").getArr(), back.critic().sameDiff().getVariable("fc_w").getArr());
        assertEquals(0.015, new ModelStore(HadoopFiles.local()).metadata(dir.toString()).getDouble("lambda"));
    }

    @Test
    void receiverOutputIsALevelMinusTheDither() {
        ComputationGraph net = CompressionModel.create(rdc(0.0, 1), classifier, false);
        INDArray x = Minibatches.toDataSet(test, 0, 16).getFeatures();
        INDArray u = Seeds.dither(new SplittableRandom(5), 16, 3, 1.0);
        Map<String, INDArray> acts = net.feedForward(new INDArray[] {x, u}, false);
        INDArray received = acts.get("received");
        INDArray level = received.add(u); // must be exactly one of -1, 0, 1 (L = 3)
        for (float v : level.data().asFloat()) assertEquals(Math.round(v), v, 1e-6, "z = " + v);
        INDArray y = acts.get("latent_act");
        assertTrue(Transforms.abs(level.sub(y.add(u)), true).maxNumber().doubleValue() <= 0.5 + 1e-6, "nearest level of y + u");
    }

    @Test
    void weightsAndBiasesFollowPyTorchsDefaultInitIncludingConvTransposeFanIn() {
        ComputationGraph net = CompressionModel.create(rdc(0.0, 1), classifier, false);
        // Linear 784 -> 512: b = 1/sqrt(784); ConvTranspose 32 -> 64, k5: fan_in = 64 * 25 (out channels).
        assertBound(net.getLayer("enc1").paramTable().get("W"), 1 / Math.sqrt(784));
        assertBound(net.getLayer("enc1").paramTable().get("b"), 1 / Math.sqrt(784));
        assertBound(net.getLayer("dec3").paramTable().get("W"), 1 / Math.sqrt(64 * 25));
        assertBound(net.getLayer("dec3").paramTable().get("b"), 1 / Math.sqrt(64 * 25));
        assertBound(net.getLayer("dec4").paramTable().get("W"), 1 / Math.sqrt(128 * 25));
        assertBound(net.getLayer("dec5").paramTable().get("W"), 1 / Math.sqrt(1 * 16));
        assertEquals(1.0, net.getLayer("dec3_bn").paramTable().get("gamma").meanNumber().doubleValue(), 0.0);
        assertEquals(net.params(), CompressionModel.create(rdc(0.0, 1), classifier, false).params(), "same seed, same weights");
    }

    private static void assertBound(INDArray a, double bound) {
        double max = Transforms.abs(a, true).maxNumber().doubleValue();
        assertTrue(max <= bound && max > 0.9 * bound, "max |w| " + max + " for bound " + bound);
        assertEquals(0, a.meanNumber().doubleValue(), bound / Math.sqrt(a.length()) * 5, "centred");
    }

    static Map<String, INDArray> params(ComputationGraph net, List<String> layers) {
        Map<String, INDArray> m = new HashMap<>();
        for (String l : layers) m.put(l, net.getLayer(l).params().dup());
        return m;
    }
}
