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
        double bound = bound(fanIn);
        Nd4j.rand(paramView, Nd4j.getDistributions().createUniform(-bound, bound));
        return paramView.reshape(order, shape);
    }

    /** U(-b, b) with b = 1/sqrt(fan_in): PyTorch's kaiming_uniform(a = sqrt(5)) and its bias init. */
    public static double bound(double fanIn) { return 1.0 / Math.sqrt(fanIn); }

    @Override
    public boolean equals(Object o) { return o instanceof TorchDefaultInit; }

    @Override
    public int hashCode() { return TorchDefaultInit.class.hashCode(); }
}
