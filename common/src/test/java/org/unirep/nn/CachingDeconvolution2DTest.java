package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class CachingDeconvolution2DTest {

    private static MultiLayerNetwork net(boolean caching, Activation act) {
        Deconvolution2D.Builder sigmoid = new Deconvolution2D.Builder().kernelSize(2, 2).stride(1, 1).nOut(1).activation(Activation.SIGMOID);
        Deconvolution2D.Builder b = new Deconvolution2D.Builder().kernelSize(5, 5).stride(2, 2).nOut(6).activation(act);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).updater(new Adam(1e-2)).list()
                .layer(caching ? new CachingDeconvolution2D(b) : b.build())
                .layer(new BatchNormalization.Builder().build())
                .layer(caching ? new CachingDeconvolution2D(sigmoid) : sigmoid.build())
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(4, 4, 3)).build();
        OneDnn.enable();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    /** Reusing the forward output changes no number: three Adam steps give bit-identical parameters. */
    @Test
    void trainsExactlyAsDl4jsLayer() {
        for (Activation act : new Activation[] {Activation.IDENTITY, Activation.TANH}) {
            MultiLayerNetwork plain = net(false, act), caching = net(true, act);
            caching.setParams(plain.params().dup());
            assertInstanceOf(CachingDeconvolution2D.Layer.class, caching.getLayer(0));
            Nd4j.getRandom().setSeed(7);
            for (int i = 0; i < 3; i++) {
                INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, 4, 4), y = Nd4j.rand(DataType.DOUBLE, 5, 1, 12, 12);
                caching.output(Nd4j.rand(DataType.DOUBLE, 5, 3, 4, 4), true); // must not leak into the next step
                plain.fit(x, y);
                caching.fit(x, y);
            }
            assertEquals(plain.params(), caching.params(), act.name());
            assertEquals(3, ((CachingDeconvolution2D.Layer) caching.getLayer(0)).reuses(), act.name());
            assertEquals(3, ((CachingDeconvolution2D.Layer) caching.getLayer(2)).reuses(), "sigmoid");
            assertNotEquals(0.0, plain.params().sub(net(false, act).params()).norm2Number().doubleValue(), "the steps moved the weights");
        }
    }

    private static MultiLayerNetwork single(boolean fast, int inC, int nOut, int k, int stride, int pad, int size) {
        Deconvolution2D.Builder b = new Deconvolution2D.Builder().kernelSize(k, k).stride(stride, stride).padding(pad, pad).nOut(nOut)
                .activation(Activation.SIGMOID);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).updater(new Adam(1e-2)).list()
                .layer(fast ? new CachingDeconvolution2D(b) : b.build())
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(size, size, inC)).build();
        OneDnn.enable();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    /**
     * In float, on oneDNN, both forward paths (the GEMM + col2im below TransposedConvolution.GEMM_BELOW_CHANNELS output
     * channels, oneDNN's deconvolution above) and the backward pass give DL4J's output and gradients
     * up to float rounding, with stride and padding (the decoder's layers: 128->1 k4 s1, 64->128 k5 s2).
     */
    @Test
    void givesDl4jsOutputAndGradientsInFloat() {
        int[][] cases = {{128, 1, 4, 1, 0, 25}, {64, 128, 5, 2, 0, 11}, {16, 3, 5, 2, 1, 7}, {16, 12, 3, 2, 1, 6}};
        for (int[] c : cases) {
            String what = java.util.Arrays.toString(c);
            MultiLayerNetwork plain = single(false, c[0], c[1], c[2], c[3], c[4], c[5]), fast = single(true, c[0], c[1], c[2], c[3], c[4], c[5]);
            Nd4j.getRandom().setSeed(11);
            plain.params().assign(Nd4j.rand(DataType.FLOAT, plain.params().shape()).subi(0.5).muli(0.2)); // a bias that is not 0
            fast.setParams(plain.params().dup());
            INDArray x = Nd4j.rand(DataType.FLOAT, 6, c[0], c[5], c[5]).subi(0.5);
            INDArray outPlain = plain.output(x, false), outFast = fast.output(x, false);
            assertArrayEquals(outPlain.shape(), outFast.shape(), what);
            assertEquals(0.0, outPlain.sub(outFast).amaxNumber().doubleValue(), 1e-5, what);
            INDArray y = Nd4j.rand(DataType.FLOAT, outPlain.shape());
            plain.setInput(x);
            plain.setLabels(y);
            fast.setInput(x);
            fast.setLabels(y);
            plain.computeGradientAndScore();
            fast.computeGradientAndScore();
            for (String param : new String[] {"0_W", "0_b"}) {
                INDArray gp = plain.gradient().getGradientFor(param), gf = fast.gradient().getGradientFor(param);
                double scale = gp.amaxNumber().doubleValue();
                assertTrue(scale > 0, what + " " + param);
                assertEquals(0.0, gp.sub(gf).amaxNumber().doubleValue() / scale, 1e-4, what + " " + param);
            }
        }
    }

    @Test
    void savedModelsLoadWithTheLayer() throws IOException {
        MultiLayerNetwork n = net(true, Activation.IDENTITY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(n, out, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(out.toByteArray()), true);
        assertInstanceOf(CachingDeconvolution2D.Layer.class, back.getLayer(0));
        assertEquals(n.params(), back.params());
    }
}
