package org.unirep.jobs.plan;

import java.io.Serializable;

/** The optimisers of a point: encoder/decoder Adam, critic Adam, and the soft-to-hard quantizer's sigma. */
public record Optimizer(double learningRate, double criticLearningRate, double beta1, double beta2, double sigma)
        implements Serializable {}
