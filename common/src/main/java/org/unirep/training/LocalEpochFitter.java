package org.unirep.training;

import java.util.concurrent.CancellationException;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.data.LabeledImages;

/** Fits an epoch in this thread, minibatch after minibatch of the epoch's cut ({@link EpochBatches}). */
public final class LocalEpochFitter implements EpochFitter {
    private final LabeledImages train;

    public LocalEpochFitter(LabeledImages train) {
        this.train = train;
    }

    /** What a run of consecutive minibatches did: the generator losses' sum and the step counts. */
    public record Part(double lossSum, long criticSteps, long generatorSteps) {}

    @Override
    public EpochStats fit(TrainingRun run, int epoch) {
        EpochBatches batches = EpochBatches.of(train, run.seeds(), epoch, run.config().batchSize());
        Part p = fit(run, batches, epoch, 0, batches.count());
        return new EpochStats(p.generatorSteps() == 0 ? Double.NaN : p.lossSum() / p.generatorSteps(), p.criticSteps(), p.generatorSteps());
    }

    /**
     * Minibatches [from, to) of the epoch's cut, each one reference step with its index in the epoch
     * (critic or generator step, and its dither, follow from it). A non-finite generator loss
     * throws {@link Divergence} naming the step. Stage 1's averaging workers fit their shares here.
     */
    public static Part fit(TrainingRun run, EpochBatches batches, int epoch, int from, int to) {
        double lossSum = 0;
        long critic = 0, generator = 0;
        for (int i = from; i < to; i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted at epoch " + (epoch + 1));
            }
            DataSet b = batches.batch(i);
            double loss = run.steps().step(epoch, i, b.getFeatures(), b.getLabels());
            if (Schedule.isCriticStep(i)) {
                critic++;
            } else {
                generator++;
                Divergence.check(loss, epoch, i, run.config().lambda());
                lossSum += loss;
            }
        }
        return new Part(lossSum, critic, generator);
    }
}
