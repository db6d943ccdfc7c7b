package org.unirep.jobs.report;

import java.io.Serializable;

/**
 * One point of a trade-off curve: the ok runs of one (sweep, dataset, rate, mode, kind, lambda),
 * averaged over seeds (each run's metrics are already the mean of its last min(3, epochs) test
 * epochs). *_std are the standard deviations over seeds (0 for one seed). Units as in the runs table.
 */
public record CurvePoint(String sweepId, String dataset, double rateBits, String mode, String kind, double lambda,
                         double encoderLambda, int seeds, double mse, double mseStd, double ce, double ceStd,
                         double accuracy, double accuracyStd, double w1, double w1Std) implements Serializable {

    /** The classification (rdc: CE) or perception (rdp: W1) level of this point. */
    public double level() { return "rdp".equals(mode) ? w1 : ce; }

    public boolean universal() { return "universal".equals(kind); }
}
