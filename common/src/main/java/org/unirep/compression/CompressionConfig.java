package org.unirep.compression;

import java.io.Serializable;
/**
 * One trained compression model's settings (REFERENCE.md defaults): Adam with betas (0.5, 0.9),
 * encoder/decoder lr 1e-2, critic lr 2e-4, batch 64, 30 epochs; soft-to-hard sigma 1. The per-epoch
 * schedule applied to these is org.unirep.training.Schedule.
 */
public record CompressionConfig(Mode mode, int dim, int levels, double lambda, long seed, int epochs,
                                int batchSize, double learningRate, double criticLearningRate, double beta1,
                                double beta2, double sigma) implements Serializable {

    public CompressionConfig {
        if (mode == null) throw new IllegalArgumentException("mode is missing, expected rdc or rdp");
        if (dim < 1) throw new IllegalArgumentException("latent dim = " + dim + ", expected >= 1");
        if (levels < 2) throw new IllegalArgumentException("quantizer levels L = " + levels + ", expected >= 2");
        Range.LAMBDA.check("lambda", lambda);
        if (epochs < 1) throw new IllegalArgumentException("epochs = " + epochs + ", expected >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("batch size = " + batchSize + ", expected >= 1");
        Range.POSITIVE.check("learning rate", learningRate);
        Range.POSITIVE.check("critic learning rate", criticLearningRate);
        Range.UNIT_INTERVAL.check("Adam beta1", beta1);
        Range.UNIT_INTERVAL.check("Adam beta2", beta2);
        Range.POSITIVE.check("soft-to-hard sigma", sigma);
    }

    public static CompressionConfig reference(Mode mode, int dim, int levels, double lambda, long seed) {
        return new CompressionConfig(mode, dim, levels, lambda, seed, 30, 64, 1e-2, 2e-4, 0.5, 0.9, 1.0);
    }

    /** R = dim * log2(L) bits per image. */
    public double rateBits() { return rateBits(dim, levels); }

    /** The rate of a latent of {@code dim} symbols from {@code levels} centres: log2(levels^dim) bits per image. */
    public static double rateBits(int dim, int levels) { return dim * Math.log(levels) / Math.log(2); }

    public CompressionConfig withMode(Mode o) {
        return new CompressionConfig(o, dim, levels, lambda, seed, epochs, batchSize, learningRate, criticLearningRate, beta1, beta2, sigma);
    }

    public CompressionConfig withLambda(double l) {
        return new CompressionConfig(mode, dim, levels, l, seed, epochs, batchSize, learningRate, criticLearningRate, beta1, beta2, sigma);
    }

    public CompressionConfig withEpochs(int e) {
        return new CompressionConfig(mode, dim, levels, lambda, seed, e, batchSize, learningRate, criticLearningRate, beta1, beta2, sigma);
    }
}
