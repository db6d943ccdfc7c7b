package org.unirep.compression;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The quantiser of REFERENCE.md without its dither: L levels evenly spaced in [-1, 1] (bin width
 * alpha = 2/(L-1)). Forward: the nearest level of its input, in training and inference alike.
 * Backward: soft-to-hard, the derivative of soft(x) = sum_c c * softmax(-sigma |x - c|)_c.
 *
 * <p>The dither is not in here: the graph adds the explicit input u before this layer and subtracts
 * it after ({@link CompressionModel}), so the layer is a pure function of its input. All work is
 * ND4J ops on the [n, dim] latent (no host copies, so it runs where the rest of the step runs).
 */
public class SoftToHardQuantizer extends BaseActivationFunction {
    private static final long serialVersionUID = 2L;

    private int levels;
    private double sigma;

    public SoftToHardQuantizer() {
        this(3, 1.0);
    }

    public SoftToHardQuantizer(int levels, double sigma) {
        if (levels < 2) throw new IllegalArgumentException("quantizer levels L = " + levels + ", expected >= 2");
        Range.POSITIVE.check("quantizer sigma", sigma);
        this.levels = levels;
        this.sigma = sigma;
    }

    public int getLevels() { return levels; }

    public double getSigma() { return sigma; }

    public double alpha() { return alpha(levels); }

    public static double alpha(int levels) { return 2.0 / (levels - 1); }

    public float level(int index) { return (float) (-1.0 + index * alpha()); }

    /** Level index of each entry of x (what the sender transmits: dim * log2(L) bits per image). */
    public INDArray indices(INDArray x) {
        INDArray k = Transforms.round(x.add(1.0).divi(alpha()), false);
        return Transforms.min(Transforms.max(k, 0.0, false), levels - 1, false);
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray k = indices(in);
        return in.assign(k.muli(alpha()).subi(1.0));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        long m = in.length();
        INDArray x = in.reshape('c', m, 1);
        INDArray c = Nd4j.linspace(-1.0, 1.0, levels, in.dataType()).reshape(1, levels);
        INDArray d = x.sub(c);                                     // [m, L]: x - c
        INDArray sgn = Transforms.sign(d, true);
        INDArray w = Transforms.abs(d, false).muli(-sigma);         // -sigma |x - c|
        w.subiColumnVector(w.max(1).reshape(m, 1));
        Transforms.exp(w, false);
        w.diviColumnVector(w.sum(1).reshape(m, 1));                 // softmax over the levels
        INDArray soft = w.mulRowVector(c).sum(1);
        INDArray sumWs = w.mul(sgn).sum(1);
        INDArray sumCWs = w.muli(sgn).muliRowVector(c).sum(1);
        // d soft / dx = -sigma (sum_c c w_c sgn_c - soft * sum_c w_c sgn_c)
        INDArray grad = sumCWs.subi(soft.muli(sumWs)).muli(-sigma).reshape(in.shape());
        return new Pair<>(epsilon.mul(grad.castTo(epsilon.dataType())), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftToHardQuantizer q && q.levels == levels && q.sigma == sigma;
    }

    @Override
    public int hashCode() { return Objects.hash(levels, sigma); }

    @Override
    public String toString() { return "SoftToHardQuantizer(L=" + levels + ", sigma=" + sigma + ")"; }
}
