package org.unirep.nn;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's default weight init for Linear/Conv layers: kaiming_uniform(a=sqrt(5)), which is
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)). The reference models were trained with it; DL4J has no exact twin.
 */
public class TorchDefaultInit implements IWeightInit {
    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        double bound = 1.0 / Math.sqrt(fanIn);
        Nd4j.rand(paramView, Nd4j.getDistributions().createUniform(-bound, bound));
        return paramView.reshape(order, shape);
    }

    @Override
    public boolean equals(Object o) { return o instanceof TorchDefaultInit; }

    @Override
    public int hashCode() { return TorchDefaultInit.class.hashCode(); }
}
