package org.unirep.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The random inputs of a run: each step's dither u and, in a critic step, the gradient penalty's
 * mixing weights eps; the dither of each test batch. {@link Seeds} draws them from the run's seed;
 * the golden-file test (TwinGoldenTest) replays those the PyTorch twin drew.
 */
public interface Draws {
    /** Step {@code index} of epoch {@code epoch} on {@code n} images: u [n,dim] ~ U[-alpha/2, alpha/2), eps [n,1,1,1] ~ U[0,1) or null. */
    Step step(int epoch, long index, int n, int dim, double alpha, boolean criticStep);

    /** The dither [n,dim] of test batch {@code batch} in the evaluation after epoch {@code epoch} (1-based). */
    INDArray evalDither(int epoch, int batch, int n, int dim, double alpha);

    record Step(INDArray dither, INDArray mixing) {}
}
