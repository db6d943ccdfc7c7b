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

    /** Same parameters and running statistics, bit for bit, as DL4J's own helper after three training steps. */
    @Test
    void trainsExactlyAsDl4jsHelper() {
        MultiLayerNetwork plain = net(), moments = net();
        assertEquals(1, MomentsBatchNormHelper.install(moments));
        assertInstanceOf(MomentsBatchNormHelper.class, ((org.deeplearning4j.nn.layers.normalization.BatchNormalization) moments.getLayer(1)).getHelper());
        assertEquals(0, MomentsBatchNormHelper.install(moments), "installed once");
        Nd4j.getRandom().setSeed(3);
        for (int i = 0; i < 3; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 2, 12, 12).muli(4).subi(1), y = Nd4j.rand(DataType.FLOAT, 16, 1, 8, 8);
            plain.fit(x, y);
            moments.fit(x, y);
        }
        assertEquals(plain.params(), moments.params());
        INDArray runningMean = moments.getLayer(1).getParam("mean");
        assertNotEquals(0.0, runningMean.getDouble(0), 1e-4, "the running mean moved from its start");
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2, 12, 12);
        assertEquals(plain.output(x, false), moments.output(x, false));
    }
}
