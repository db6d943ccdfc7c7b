package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.testing.TestData;
import org.unirep.training.RunStatus;
import org.unirep.training.Seeds;
import org.unirep.training.TrainingRun;

/**
 * The switch between our CPU layers and DL4J's own (which CUDA runs with cuDNN): on the CPU backend
 * ours are used; forced off, the model is built from DL4J's layers and trains to the same numbers.
 */
class CpuLayersTest {
    static Class<?> layer(ComputationGraph net, String name) {
        Layer l = net.getLayer(name).conf().getLayer();
        return l instanceof FrozenLayerWithBackprop f ? f.getUnderlying().getClass() : l.getClass();
    }

    static TrainingRun.Result train(LabeledImages train, LabeledImages test, Class<?> deconv, Class<?> criticConv) throws Exception {
        TrainingRun run = TrainingRun.endToEnd(CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 4L).withEpochs(1), null);
        for (String d : new String[] {"dec3", "dec4", "dec5"}) assertEquals(deconv, layer(run.net(), d), d);
        assertEquals(criticConv, layer(run.net(), "crit_conv1"));
        TrainingRun.Result r = run.train(train, test);
        assertEquals(RunStatus.OK, r.status(), r.error());
        return r;
    }

    /** The same model both ways: the same parameters, and forward passes equal to float rounding. */
    @Test
    void bothWaysComputeTheSameForwardPass() throws Exception {
        String before = System.getProperty(CpuLayers.PROPERTY);
        try {
            CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 2L);
            INDArray x = Minibatches.toDataSet(TestData.test(), 0, 16).getFeatures();
            INDArray u = Seeds.dither(new SplittableRandom(0), 16, 3, 1.0);
            System.clearProperty(CpuLayers.PROPERTY);
            ComputationGraph ours = CompressionModel.create(c, null, false);
            System.setProperty(CpuLayers.PROPERTY, "false");
            ComputationGraph dl4j = CompressionModel.create(c, null, false);
            for (ComputationGraph g : List.of(ours, dl4j)) CompressionModel.loadCritic(g, CriticGraph.reference(3L));
            assertEquals(ours.params(), dl4j.params());
            for (boolean training : new boolean[] {false, true}) {
                Map<String, INDArray> a = ours.feedForward(new INDArray[] {x, u}, training), b = dl4j.feedForward(new INDArray[] {x, u}, training);
                for (String k : a.keySet()) {
                    assertEquals(0, a.get(k).sub(b.get(k)).amaxNumber().doubleValue(), 1e-5, k + (training ? " (training)" : ""));
                }
            }
        } finally {
            if (before == null) System.clearProperty(CpuLayers.PROPERTY);
            else System.setProperty(CpuLayers.PROPERTY, before);
        }
    }

    @Test
    void theCpuBackendUsesOursAndDl4jsLayersTrainToTheSameNumbers() throws Exception {
        String before = System.getProperty(CpuLayers.PROPERTY);
        LabeledImages train = TestData.train().head(256), test = TestData.test().head(100);
        try {
            System.clearProperty(CpuLayers.PROPERTY);
            assertTrue(CpuLayers.active(), "auto, on ND4J's CPU backend");
            TrainingRun.Result ours = train(train, test, CachingDeconvolution2D.class, InputGradientConvolution.class);
            System.setProperty(CpuLayers.PROPERTY, "false");
            assertFalse(CpuLayers.active());
            TrainingRun.Result dl4j = train(train, test, org.deeplearning4j.nn.conf.layers.Deconvolution2D.class,
                    org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class);
            // Other summation orders in float32, then Adam's first steps, which move every weight by about lr whatever its
            // gradient's size (a near-zero gradient's rounding can flip its sign): measured 0.25% apart after 4 steps.
            assertEquals(ours.last().mse(), dl4j.last().mse(), 1e-2 * ours.last().mse(), "test MSE");
            assertEquals(ours.last().w1(), dl4j.last().w1(), 5e-2 * Math.max(1e-3, Math.abs(ours.last().w1())), "test W1");
            System.setProperty(CpuLayers.PROPERTY, "maybe");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CpuLayers::active);
            assertTrue(e.getMessage().contains("expected auto, true or false"), e.getMessage());
        } finally {
            if (before == null) System.clearProperty(CpuLayers.PROPERTY);
            else System.setProperty(CpuLayers.PROPERTY, before);
        }
    }
}
