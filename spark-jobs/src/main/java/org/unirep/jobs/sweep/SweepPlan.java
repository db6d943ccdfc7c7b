package org.unirep.jobs.sweep;

import java.util.ArrayList;
import java.util.List;
import org.unirep.compression.Kind;
import org.unirep.compression.Mode;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.Stage;

/**
 * The grid of a sweep: stage 1 holds one shared encoder per (rate, mode, seed), trained end to end
 * at the mode's encoder lambda; stage 2 holds a universal decoder per universal lambda on that
 * encoder, and an end-to-end baseline per end-to-end lambda, except the one at the encoder's lambda
 * when the encoder trains on one worker: that encoder is the same model (a one-worker encoder is an
 * ordinary task, trained by the same runner as that point), so it is not trained twice and the curves count it as that point
 * (notebooks/sql/curves.sql).
 */
public record SweepPlan(List<GridPoint> encoders, List<GridPoint> fanOut) {

    public static SweepPlan of(SweepConfig c, String datasetChecksum, String classifierId, int workers) {
        List<GridPoint> encoders = new ArrayList<>();
        List<GridPoint> fanOut = new ArrayList<>();
        for (SweepConfig.Rate rate : c.rates()) {
            for (Mode mode : c.modes()) {
                SweepConfig.Grid g = c.grids().get(mode);
                for (long seed : c.seeds()) {
                    GridPoint enc = point(c, Stage.ENCODER, Kind.END_TO_END, mode, rate, g.encoderLambda(),
                            g.encoderLambda(), null, seed, datasetChecksum, classifierId, workers, c.averagingFrequency());
                    encoders.add(enc);
                    String encId = enc.runId();
                    for (double l : g.universal()) {
                        fanOut.add(point(c, Stage.FANOUT, Kind.UNIVERSAL, mode, rate, l, g.encoderLambda(), encId, seed,
                                datasetChecksum, classifierId, 0, 0));
                    }
                    for (double l : g.endToEnd()) {
                        if (workers == 1 && l == g.encoderLambda()) continue; // the encoder is this model
                        fanOut.add(point(c, Stage.FANOUT, Kind.END_TO_END, mode, rate, l, l, null, seed,
                                datasetChecksum, classifierId, 0, 0));
                    }
                }
            }
        }
        return new SweepPlan(List.copyOf(encoders), List.copyOf(fanOut));
    }

    private static GridPoint point(SweepConfig c, Stage stage, Kind kind, Mode mode, SweepConfig.Rate rate, double lambda,
                                   double encoderLambda, String encoderRunId, long seed, String checksum, String classifierId,
                                   int workers, int frequency) {
        return new GridPoint(stage, kind, mode, c.dataset().id(), checksum, classifierId, rate.dim(), rate.levels(), lambda,
                encoderLambda, encoderRunId, seed, c.epochs(), c.batchSize(), c.optimizer(), c.trainExamples(),
                c.testExamples(), workers, frequency);
    }

    public int total() { return encoders.size() + fanOut.size(); }
}
