package org.unirep.compression;

import java.io.Serializable;
/**
 * Metrics of one model after one epoch on one split. Units: mse = per-pixel mean squared error of
 * pixels in [0,1]; ce = mean cross-entropy of the frozen classifier on x^ in nats; accuracy in
 * [0,1]; w1 = critic estimate mean D(x) - mean D(x^) (NaN where no critic is trained).
 */
public record EpochMetrics(int epoch, String split, double mse, double ce, double accuracy, double w1) implements Serializable {}
