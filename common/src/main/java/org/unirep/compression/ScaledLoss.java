package org.unirep.compression;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** weight * inner loss: how lambda enters a multi-output graph (DL4J sums the outputs' losses). */
public class ScaledLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @JsonProperty private ILossFunction inner;
    @JsonProperty private double weight;
    /** The inner loss's per-example mean in the last score computation (the term before lambda, for the step's parts). */
    private transient double lastInnerMean = Double.NaN;

    public ScaledLoss() {}

    public ScaledLoss(ILossFunction inner, double weight) {
        this.inner = inner;
        this.weight = weight;
    }

    public double getWeight() { return weight; }

    /** The training loop's per-epoch lambda (the lambda = 0 anneal); read on every step. */
    public void setWeight(double weight) { this.weight = weight; }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        double s = inner.computeScore(labels, preOutput, fn, mask, average);
        lastInnerMean = average ? s : s / preOutput.size(0);
        return weight * s;
    }

    public double lastInnerMean() { return lastInnerMean; }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        return inner.computeScoreArray(labels, preOutput, fn, mask).muli(weight);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        return inner.computeGradient(labels, preOutput, fn, mask).muli(weight);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, fn, mask, average), computeGradient(labels, preOutput, fn, mask));
    }

    @Override
    public String name() { return weight + "*" + inner.name(); }

    @Override
    public boolean equals(Object o) { return o instanceof ScaledLoss s && s.weight == weight && s.inner.equals(inner); }

    @Override
    public int hashCode() { return Objects.hash(inner, weight); }

    @Override
    public String toString() { return name(); }
}
