package org.unirep.training;

import java.util.Map;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.LossParts;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;

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

    /**
     * The test metrics after epoch {@code epoch} (0-based) of the run's networks: in this thread on
     * {@code test} by default, not evaluated without one; a fitter that holds its own test split
     * evaluates on it where that split is.
     */
    default EpochMetrics evaluate(TrainingRun run, LabeledImages test, int epoch) throws Exception {
        if (test == null) return EpochMetrics.notEvaluated(epoch + 1);
        return Evaluation.evaluate(run.net(), test, epoch + 1, run.critic(), run.classifier(), run.draws());
    }

    /** Saves the run's state after {@code p.epochsDone()} epochs to {@code to}: from this thread by default. */
    default void checkpoint(TrainingRun run, EpochCheckpoints to, EpochCheckpoints.Progress p) throws Exception {
        to.save(run.net(), run.critic(), p);
    }

    /** Saves the trained model ({@link Checkpoint}) with {@code metadata}: from this thread by default. */
    default void save(TrainingRun run, HadoopFiles files, String dir, Map<String, ?> metadata) throws Exception {
        Checkpoint.save(files, dir, run.net(), run.critic(), metadata);
    }

    /** Where and on what it fits, for the run's first log line, e.g. "on 6400 images in this thread". */
    default String describe() { return getClass().getSimpleName(); }
}
