package org.unirep.training;

import static org.junit.jupiter.api.Assertions.*;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierNet;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.Mode;

class EvaluationTest {

    /**
     * The test batch runs through the network in pieces (100 + 100 + 50 here) with the numbers of
     * one whole-batch pass to float rounding: x^ and the RDC classifier's probabilities come from
     * matrix products blocked by batch size (the decoder's last layer is one GEMM over all images),
     * 1 ulp apart; a piece misplaced or cut wrong is off by far more.
     */
    @Test
    void piecewiseForwardEqualsTheWholeBatch() {
        for (Mode mode : Mode.values()) {
            ComputationGraph net = TrainingRun.endToEnd(CompressionConfig.reference(mode, 3, 3, 0.01, 1),
                    ClassifierNet.create(ClassifierConfig.reference())).net();
            Nd4j.getRandom().setSeed(4);
            INDArray x = Nd4j.rand(DataType.FLOAT, 250, 784), u = Nd4j.rand(DataType.FLOAT, 250, 3).subi(0.5);
            boolean rdc = mode == Mode.RDC;
            INDArray[] pieces = Evaluation.forward(net, x, u, rdc);
            INDArray[] whole = rdc ? net.output(false, x, u)
                    : new INDArray[] {CompressionModel.reconstruct(net, x, u, false).reshape(250, 784)};
            assertEquals(whole.length, pieces.length);
            for (int k = 0; k < whole.length; k++) {
                assertArrayEquals(whole[k].shape(), pieces[k].shape(), mode + " output " + k);
                assertArrayEquals(whole[k].dup('c').data().asFloat(), pieces[k].dup('c').data().asFloat(), 1e-6f,
                        mode + (k == 0 ? " x^" : " probabilities"));
            }
        }
    }
}
