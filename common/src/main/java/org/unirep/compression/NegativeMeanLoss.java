package org.unirep.compression;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * -D(x^) per sample, labels ignored: the generator's adversarial term (its mean is -mean D(x^);
 * wrapped in {@link ScaledLoss} it becomes -lambda_p * mean D(x^)). Gradients are per sample,
 * as DL4J divides by the minibatch size itself.
 */
public class NegativeMeanLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, fn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        return fn.getActivation(preOutput.dup(), true).sum(1).negi();
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray dLdOut = preOutput.ulike().assign(-1.0);
        return fn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, fn, mask, average), computeGradient(labels, preOutput, fn, mask));
    }

    @Override
    public String name() { return "NegativeMean"; }

    @Override
    public boolean equals(Object o) { return o instanceof NegativeMeanLoss; }

    @Override
    public int hashCode() { return NegativeMeanLoss.class.hashCode(); }

    @Override
    public String toString() { return name(); }
}
