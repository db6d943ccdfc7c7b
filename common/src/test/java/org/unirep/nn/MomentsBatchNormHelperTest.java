package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MomentsBatchNormHelperTest {

    private static MultiLayerNetwork net() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).updater(new Adam(1e-2)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(1).activation(Activation.SIGMOID).build())
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(12, 12, 2)).build();
        OneDnn.enable();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    /**
     * Trains as DL4J's own helper: after three steps the same parameters and outputs, to float
     * rounding. Not bit for bit since the backward pass sums in another order; and the first conv's
     * bias, whose gradient is exactly zero in exact arithmetic (BatchNorm removes any shift), takes
     * Adam steps of +-lr driven by rounding noise in either helper, so it and the running mean that
     * follows it are left out (the training-mode output, where they cancel, is compared).
     */
    @Test
    void trainsAsDl4jsHelper() {
        MultiLayerNetwork plain = net(), moments = net();
        assertEquals(1, MomentsBatchNormHelper.install(moments));
        assertInstanceOf(MomentsBatchNormHelper.class, ((org.deeplearning4j.nn.layers.normalization.BatchNormalization) moments.getLayer(1)).getHelper());
        assertEquals(0, MomentsBatchNormHelper.install(moments), "installed once");
        INDArray x0 = Nd4j.rand(DataType.FLOAT, 4, 2, 12, 12);
        assertEquals(plain.feedForward(x0, true).get(2), moments.feedForward(x0, true).get(2), "training-mode forward: the same statistics");
        Nd4j.getRandom().setSeed(3);
        for (int i = 0; i < 3; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 2, 12, 12).muli(4).subi(1), y = Nd4j.rand(DataType.FLOAT, 16, 1, 8, 8);
            plain.fit(x, y);
            moments.fit(x, y);
        }
        for (int layer : new int[] {0, 1, 2}) {
            for (String p : plain.getLayer(layer).paramTable().keySet()) {
                if (layer == 0 && p.equals("b") || layer == 1 && p.equals("mean")) continue; // the noise-driven bias, and the running mean that tracks it
                INDArray want = plain.getLayer(layer).getParam(p), got = moments.getLayer(layer).getParam(p);
                assertTrue(want.equalsWithEps(got, 1e-4), "layer " + layer + " " + p + ": " + want + " vs " + got);
            }
        }
        INDArray runningMean = moments.getLayer(1).getParam("mean");
        assertNotEquals(0.0, runningMean.getDouble(0), 1e-4, "the running mean moved from its start");
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2, 12, 12);
        assertTrue(plain.output(x, true).equalsWithEps(moments.output(x, true), 1e-4), "on batch statistics the biases cancel");
    }

    /**
     * Without a helper (DL4J's own path: the CUDA build, which has no cuDNN module) the layer gets
     * this one too, and a training-mode forward pass moves the running statistics as PyTorch does:
     * momentum 0.1, the unbiased batch variance (DL4J's own path would not move them at all here).
     */
    @Test
    void aLayerWithoutAHelperGetsPyTorchsRunningStatistics() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).list()
                .layer(new BatchNormalization.Builder().useLogStd(false).nOut(3).build())
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(4, 4, 3)).build();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        org.deeplearning4j.nn.layers.normalization.BatchNormalization bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) n.getLayer(0);
        java.lang.reflect.Field helper = bn.getClass().getDeclaredField("helper");
        helper.setAccessible(true);
        helper.set(bn, null); // as on CUDA
        assertEquals(1, MomentsBatchNormHelper.install(n));
        assertInstanceOf(MomentsBatchNormHelper.class, bn.getHelper());

        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3, 4, 4).muli(2);
        n.feedForward(x, true);
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray mean = xd.mean(0, 2, 3), unbiased = xd.var(true, 0, 2, 3);
        INDArray wantMean = mean.mul(0.1), wantVar = unbiased.mul(0.1).addi(0.9);
        assertTrue(wantMean.equalsWithEps(bn.getParam("mean").castTo(DataType.DOUBLE).reshape(3), 1e-6), bn.getParam("mean").toString());
        assertTrue(wantVar.equalsWithEps(bn.getParam("var").castTo(DataType.DOUBLE).reshape(3), 1e-6), bn.getParam("var").toString());
    }

    /**
     * The written-out backward pass gives the exact gradients (input, gamma, beta; computed in double)
     * to float rounding, on the decoder's conv activations and on a dense layer's ('c' and 'f'
     * ordered): the largest difference is under 1e-5 of the largest gradient, while a wrong term
     * (dropping the mean of dy) would be off by far more. oneDNN's helper, which it replaces, is
     * further off: 0.028 of 158 in dGamma on [64,128,25,25], against 0.0015 here.
     */
    @Test
    void backwardPassGivesTheExactGradients() {
        for (long[] shape : new long[][] {{64, 128, 25, 25}, {64, 512}, {64, 512, 'f'}}) {
            long c = shape[1];
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.rand(DataType.FLOAT, shape[0], shape[1]), dy;
            if (shape.length == 4) x = Nd4j.rand(DataType.FLOAT, shape);
            x.muli(3).subi(1);
            dy = Nd4j.rand(DataType.FLOAT, x.shape()).subi(0.3);
            if (shape.length == 3) { // a dense layer's activations and gradients come 'f'-ordered
                x = x.dup('f');
                dy = dy.dup('f');
                shape = new long[] {shape[0], shape[1]};
            }
            INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5), beta = Nd4j.rand(DataType.FLOAT, 1, c);
            org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray>[] out = new org.nd4j.common.primitives.Pair[2];
            INDArray[][] views = new INDArray[2][];
            org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper[] helpers = {
                new org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper(DataType.FLOAT), new MomentsBatchNormHelper(DataType.FLOAT)};
            for (int h = 0; h < 2; h++) {
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
                INDArray mean = Nd4j.zeros(DataType.FLOAT, 1, c), var = Nd4j.ones(DataType.FLOAT, 1, c);
                // DL4J's helper gets 'c'-ordered copies (as BatchNormalization passes it): the reference
                INDArray xh = h == 0 ? x.dup('c') : x, dyh = h == 0 ? dy.dup('c') : dy;
                helpers[h].preOutput(xh, true, shape, gamma, beta, mean, var, 0.9, 1e-5, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW, ws);
                views[h] = new INDArray[] {Nd4j.zeros(DataType.FLOAT, 1, c), Nd4j.zeros(DataType.FLOAT, 1, c)};
                out[h] = helpers[h].backpropGradient(xh, dyh, shape, gamma, beta, views[h][0], views[h][1], 1e-5,
                        org.deeplearning4j.nn.conf.CNN2DFormat.NCHW, ws);
            }
            assertSame(views[1][0], out[1].getFirst().getGradientFor("gamma"));
            assertSame(views[1][1], out[1].getFirst().getGradientFor("beta"));
            // The exact gradients, in double: dBeta = sum dy, dGamma = sum dy x^, dx = gamma / sd (dy - dBeta / m - x^ dGamma / m)
            int[] dims = shape.length == 4 ? new int[] {0, 2, 3} : new int[] {0};
            long[] perChannel = shape.length == 4 ? new long[] {1, c, 1, 1} : new long[] {1, c};
            INDArray xd = x.castTo(DataType.DOUBLE).dup('c'), dyd = dy.castTo(DataType.DOUBLE).dup('c');
            double m = (double) xd.length() / c;
            INDArray sd = org.nd4j.linalg.ops.transforms.Transforms.sqrt(xd.var(false, dims).addi(1e-5)).reshape(perChannel);
            INDArray xhat = xd.sub(xd.mean(dims).reshape(perChannel).broadcast(xd.shape())).divi(sd.broadcast(xd.shape()));
            INDArray dBeta = dyd.sum(dims), dGamma = dyd.mul(xhat).sum(dims);
            INDArray dx = dyd.sub(dBeta.div(m).reshape(perChannel).broadcast(xd.shape()))
                    .subi(xhat.mul(dGamma.div(m).reshape(perChannel).broadcast(xd.shape())))
                    .muli(gamma.castTo(DataType.DOUBLE).reshape(perChannel).div(sd).broadcast(xd.shape()));
            INDArray[] exact = {dGamma, dBeta, dx};
            for (int k = 0; k < 3; k++) {
                INDArray want = exact[k], got = (k == 2 ? out[1].getSecond() : views[1][k]).castTo(DataType.DOUBLE).reshape(want.shape());
                INDArray oneDnn = (k == 2 ? out[0].getSecond() : views[0][k]).castTo(DataType.DOUBLE).reshape(want.shape());
                double scale = want.amaxNumber().doubleValue(), diff = want.sub(got).amaxNumber().doubleValue();
                String what = java.util.Arrays.toString(shape) + " " + new String[] {"dGamma", "dBeta", "dx"}[k];
                assertTrue(scale > 1e-3, "a gradient that is not trivially zero");
                assertTrue(diff <= 1e-5 * scale, what + ": max difference " + diff + " of max " + scale);
                // oneDNN's helper is the reference it replaces: within its own float rounding of the exact values
                assertTrue(want.sub(oneDnn).amaxNumber().doubleValue() <= 1e-3 * scale, what + ": oneDNN's helper disagrees");
            }
        }
    }
}
