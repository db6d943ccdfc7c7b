package org.unirep.training;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every random draw of a training run, derived from its one seed. Each draw has its own stream,
 * keyed by what it is for and where it happens (epoch, step index within the epoch), so a step's
 * randomness does not depend on the thread, JVM or parameter-averaging worker that runs it, and
 * the same seed gives the same run.
 *
 * <pre>
 *   init           encoder/decoder weights           seed
 *   critic         critic weights                    seed + 1
 *   shuffle(e)     the order of epoch e's examples
 *   step(e, i)     dither u [n,dim], then GP mixing weights eps [n] of step i of epoch e
 *   eval(e, b)     dither of test batch b after epoch e (fresh each epoch, as in the reference)
 * </pre>
 */
public record Seeds(long seed) implements Serializable, Draws {
    private static final long SHUFFLE = 1, STEP = 2, EVAL = 3;

    public long init() { return seed; }

    public long critic() { return seed + 1; }

    public long shuffle(int epoch) { return mix(SHUFFLE, epoch, 0); }

    public SplittableRandom step(int epoch, long index) { return new SplittableRandom(mix(STEP, epoch, index)); }

    public SplittableRandom eval(int epoch, int batch) { return new SplittableRandom(mix(EVAL, epoch, batch)); }

    @Override
    public Draws.Step step(int epoch, long index, int n, int dim, double alpha, boolean criticStep) {
        SplittableRandom r = step(epoch, index);
        INDArray u = dither(r, n, dim, alpha);
        return new Draws.Step(u, criticStep ? mixing(r, n) : null);
    }

    @Override
    public INDArray evalDither(int epoch, int batch, int n, int dim, double alpha) {
        return dither(eval(epoch, batch), n, dim, alpha);
    }

    /** u ~ U[-alpha/2, alpha/2), [n, dim]: the dither both sides know. */
    public static INDArray dither(SplittableRandom r, int n, int dim, double alpha) {
        float[] u = new float[n * dim];
        for (int i = 0; i < u.length; i++) u[i] = (float) ((r.nextDouble() - 0.5) * alpha);
        return Nd4j.createFromArray(u).reshape('c', n, dim);
    }

    /** eps ~ U[0, 1), [n, 1, 1, 1]: the WGAN-GP interpolation weights. */
    public static INDArray mixing(SplittableRandom r, int n) {
        float[] e = new float[n];
        for (int i = 0; i < n; i++) e[i] = (float) r.nextDouble();
        return Nd4j.createFromArray(e).reshape('c', n, 1, 1, 1);
    }

    private long mix(long stream, long a, long b) {
        long h = mix64(seed ^ 0x9E3779B97F4A7C15L);
        h = mix64(h ^ stream * 0xBF58476D1CE4E5B9L);
        h = mix64(h ^ a * 0x94D049BB133111EBL);
        return mix64(h ^ b + 0x632BE59BD9B4E019L);
    }

    private static long mix64(long z) { // SplitMix64's finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
