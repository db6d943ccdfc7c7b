package org.unirep.training;

import org.unirep.compression.LossParts;

/**
 * How one epoch of a {@link TrainingRun} is fitted: every minibatch of the epoch's order goes
 * through {@link Steps#step} with its index in that order. {@link LocalEpochFitter} runs them in
 * this thread; stage 1 of the sweep runs them on parameter-averaging workers.
 */
public interface EpochFitter {

    /** What an epoch did: the means of the loss parts over its generator steps, and the step counts. */
    record EpochStats(LossParts mean, long criticSteps, long generatorSteps) {
        public double generatorLoss() { return mean.total(); }
    }

    EpochStats fit(TrainingRun run, int epoch) throws Exception;
}
