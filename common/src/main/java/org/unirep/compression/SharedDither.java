package org.unirep.compression;

import java.util.SplittableRandom;

/**
 * The randomness shared by sender and receiver: dither u ~ U[-alpha/2, alpha/2) for each sample
 * and latent dimension, a pure function of (seed, key), so a decoder regenerates exactly the u the
 * encoder used from the seed and the message's key (its batch number).
 */
public final class SharedDither {
    private SharedDither() {}

    public static float[] generate(long seed, long key, int n, int dim, double alpha) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (key + 0x632BE59BD9B4E019L));
        float[] u = new float[n * dim];
        for (int i = 0; i < u.length; i++) u[i] = (float) ((r.nextDouble() - 0.5) * alpha);
        return u;
    }
}
