package org.unirep.classifier;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unirep.data.DatasetName;
import org.unirep.nn.TorchDefaultInit;
import org.unirep.nn.OneDnn;

/**
 * The frozen classifier c of the RDC objective (REFERENCE.md): on 28x28 grey images in [0,1],
 * <pre>
 *   x[1,28,28] -conv5(10)+ReLU-> [10,24,24] -max2-> [10,12,12]
 *              -conv5(10)+ReLU-> [10,8,8]   -max2-> [10,4,4] -flatten-> 160
 *              -fc(100)+ReLU-> 100 -fc(10)+softmax-> p(S | x)
 * </pre>
 * Input rows are flattened images [n, 784]; the output is trained with cross-entropy (nats).
 */
public final class ClassifierNet {
    private ClassifierNet() {}

    public static MultiLayerConfiguration configuration(ClassifierConfig c) {
        return new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .weightInit(new TorchDefaultInit())
                .updater(c.momentum() > 0 ? new Nesterovs(c.learningRate(), c.momentum()) : new Sgd(c.learningRate()))
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(10).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(10).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(100).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(DatasetName.CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(DatasetName.ROWS, DatasetName.COLS, 1))
                .build();
    }

    public static MultiLayerNetwork create(ClassifierConfig c) {
        OneDnn.enable();
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(c));
        net.init();
        return net;
    }
}
