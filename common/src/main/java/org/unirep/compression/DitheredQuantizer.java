package org.unirep.compression;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Quantiser with shared randomness (REFERENCE.md): L levels evenly spaced in [-1, 1], bin width
 * alpha = 2/(L-1). The sender quantises x = y + u to the nearest level z; the receiver outputs z - u.
 * The forward pass is always hard (training and inference alike); the backward pass is
 * soft-to-hard: the gradient of soft(x) = sum_c c * softmax(-sigma |x - c|)_c.
 *
 * <p>Dither keys: in training each call takes the next key (see {@link #setTrainingKey}); in inference the key is whatever
 * {@link #setKey} set (the evaluator sets the batch number), so a decoder can regenerate u. Runs as
 * the activation of an ActivationLayer, which hands it the training flag and serialises it.
 */
public class DitheredQuantizer extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;

    private int levels;
    private double sigma;
    private long seed;

    /**
     * Per-thread state: DL4J's parameter averaging may hand one layer configuration (and so this
     * object) to several workers training at once in one executor.
     */
    private static final class State {
        long key;
        long trainingKey = 1L << 40; // disjoint from the evaluation keys
        float[] lastDither;
    }

    private transient ThreadLocal<State> state;

    private State state() {
        ThreadLocal<State> s = state;
        if (s == null) {
            synchronized (this) {
                if (state == null) state = ThreadLocal.withInitial(State::new);
                s = state;
            }
        }
        return s.get();
    }

    public DitheredQuantizer() {
        this(3, 1.0, 0L);
    }

    public DitheredQuantizer(int levels, double sigma, long seed) {
        if (levels < 2) throw new IllegalArgumentException("quantizer levels L = " + levels + ", expected >= 2");
        if (!(sigma > 0)) throw new IllegalArgumentException("quantizer sigma = " + sigma + ", expected > 0");
        this.levels = levels;
        this.sigma = sigma;
        this.seed = seed;
    }

    public int getLevels() { return levels; }

    public double getSigma() { return sigma; }

    public long getSeed() { return seed; }

    public double alpha() { return 2.0 / (levels - 1); }

    /** The key of the next inference call's dither. */
    public void setKey(long key) { state().key = key; }

    /** Level index of each entry of y + u (what is actually sent: dim * log2(L) bits per image). */
    public int[] indices(float[] y, float[] u) {
        int[] idx = new int[y.length];
        double a = alpha();
        for (int i = 0; i < y.length; i++) {
            long k = Math.round((y[i] + u[i] + 1.0) / a);
            idx[i] = (int) Math.max(0, Math.min(levels - 1, k));
        }
        return idx;
    }

    public float level(int index) { return (float) (-1.0 + index * alpha()); }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        int n = (int) in.size(0), dim = (int) in.size(1);
        float[] y = in.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] u = SharedDither.generate(seed, training ? state().trainingKey++ : state().key, n, dim, alpha());
        int[] idx = indices(y, u);
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) out[i] = level(idx[i]) - u[i];
        if (training) state().lastDither = u;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            in.assign(Nd4j.createFromArray(out).reshape('c', n, dim).castTo(in.dataType()));
        }
        return in;
    }

    /**
     * Sets the key of this thread's next training dither (each training call then moves to the
     * next key). Trainers set it from the minibatch's images ({@link #keyOf}), so the dither is
     * the same for the same step in any JVM, thread or parameter-averaging worker, and differs
     * between workers and rounds that see different images.
     */
    public void setTrainingKey(long key) { state().trainingKey = key; }

    /** A key from a minibatch's pixels (exact values: the same bytes give the same key anywhere). */
    public static long keyOf(INDArray x) {
        float[] v = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        long h = 1L << 40; // away from the small evaluation keys
        for (float f : v) h = h * 1_000_003L + Float.floatToIntBits(f);
        return h;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        int n = (int) in.size(0), dim = (int) in.size(1);
        float[] y = in.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] last = state().lastDither;
        float[] u = last != null && last.length == y.length ? last : new float[y.length];
        float[] g = new float[y.length];
        double[] w = new double[levels];
        for (int i = 0; i < y.length; i++) {
            double x = y[i] + u[i];
            // w = softmax(-sigma |x - c|); d soft/dx = -sigma (sum_c c w_c sgn_c - soft * sum_c w_c sgn_c)
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < levels; c++) {
                w[c] = -sigma * Math.abs(x - level(c));
                max = Math.max(max, w[c]);
            }
            double z = 0;
            for (int c = 0; c < levels; c++) z += (w[c] = Math.exp(w[c] - max));
            double soft = 0, sumWs = 0, sumCWs = 0;
            for (int c = 0; c < levels; c++) {
                w[c] /= z;
                double sgn = Math.signum(x - level(c));
                soft += level(c) * w[c];
                sumWs += w[c] * sgn;
                sumCWs += level(c) * w[c] * sgn;
            }
            g[i] = (float) (-sigma * (sumCWs - soft * sumWs));
        }
        INDArray grad = Nd4j.createFromArray(g).reshape('c', n, dim).castTo(epsilon.dataType());
        return new Pair<>(epsilon.mul(grad), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DitheredQuantizer q && q.levels == levels && q.sigma == sigma && q.seed == seed;
    }

    @Override
    public int hashCode() { return java.util.Objects.hash(levels, sigma, seed); }

    @Override
    public String toString() { return "DitheredQuantizer(L=" + levels + ", sigma=" + sigma + ", seed=" + seed + ")"; }
}
