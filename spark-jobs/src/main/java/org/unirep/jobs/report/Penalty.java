package org.unirep.jobs.report;

import java.io.Serializable;

/**
 * The distortion penalty of one universal point (REFERENCE.md): its MSE minus the end-to-end
 * curve's MSE at the same classification (rdc: CE) / perception (rdp: W1) level, by linear
 * interpolation between the two nearest end-to-end points (NaN outside the curve's range), and
 * minus the end-to-end model's MSE at the same lambda (NaN if the grid has no such model).
 */
public record Penalty(String sweepId, String dataset, double rateBits, String mode, double lambda, double encoderLambda,
                      double level, double mse, double e2eMseAtLevel, double penaltyAtLevel, double e2eMseAtLambda,
                      double penaltyAtLambda, double e2eLevelAtLambda) implements Serializable {}
