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
