package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class InputGradientConvolutionTest {

    /** trainable conv (to {@code channels}) -> frozen critic-like conv (5x5, stride 2, pad 2, LeakyReLU) -> trainable output layer. */
    private static MultiLayerNetwork net(boolean inputGradientOnly, int size, int channels) {
        ConvolutionLayer.Builder frozen = new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(2, 2).nOut(6).activation(Activation.LEAKYRELU);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).updater(new Adam(1e-2))
                .convolutionMode(ConvolutionMode.Truncate).list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(channels).activation(Activation.TANH).build())
                .layer(new FrozenLayerWithBackprop(inputGradientOnly ? new InputGradientConvolution(frozen) : frozen.build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(size, size, 2)).build();
        OneDnn.enable();
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        return n;
    }

    /**
     * Backprop through the frozen layer by its input gradient alone gives DL4J's numbers (three Adam
     * steps of the layers around it), on even and odd input sizes (28 -> 14 and 7 -> 4, the
     * critic's: the transposed convolution's output is cropped differently), and the frozen weights
     * stay as they were: bit for bit through oneDNN's transposed convolution (12 input channels);
     * to float rounding through the GEMM + col2im of fewer than 8 (4 here; the critic's first
     * layer has 1), whose sums run in another order.
     */
    @Test
    void trainsTheLayersAroundItAsDl4jsConvolution() {
        for (int channels : new int[] {12, 4}) {
            for (int size : new int[] {28, 7}) {
                String what = channels + " channels, size " + size;
                MultiLayerNetwork plain = net(false, size, channels), fast = net(true, size, channels);
                fast.setParams(plain.params().dup());
                INDArray frozenBefore = fast.getLayer(1).params().dup();
                Nd4j.getRandom().setSeed(8);
                for (int i = 0; i < 3; i++) {
                    INDArray x = Nd4j.rand(DataType.FLOAT, 5, 2, size, size), y = Nd4j.rand(DataType.FLOAT, 5, 2);
                    fast.output(Nd4j.rand(DataType.FLOAT, 5, 2, size, size), true); // must not leak into the next step
                    plain.fit(x, y);
                    fast.fit(x, y);
                }
                if (channels >= TransposedConvolution.GEMM_BELOW_CHANNELS) {
                    assertArrayEquals(plain.params().data().asFloat(), fast.params().data().asFloat(), what);
                } else {
                    assertArrayEquals(plain.params().data().asFloat(), fast.params().data().asFloat(), 1e-4f, what);
                }
                assertArrayEquals(frozenBefore.data().asFloat(), fast.getLayer(1).params().data().asFloat(), "frozen, " + what);
                assertNotEquals(0.0, plain.getLayer(0).params().sub(net(false, size, channels).getLayer(0).params()).norm2Number().doubleValue(),
                        "gradients reached the first layer, " + what);
            }
        }
    }
}
