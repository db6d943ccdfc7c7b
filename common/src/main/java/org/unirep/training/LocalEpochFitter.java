package org.unirep.training;

import java.util.concurrent.CancellationException;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.compression.LossParts;
import org.unirep.data.LabeledImages;

/** Fits an epoch in this thread, minibatch after minibatch of the epoch's cut ({@link EpochBatches}). */
public final class LocalEpochFitter implements EpochFitter {
    private final LabeledImages train;

    public LocalEpochFitter(LabeledImages train) {
        this.train = train;
    }

    /** What a run of consecutive minibatches did: the sums of the generator steps' loss parts, and the step counts. */
    public record Part(double distortionSum, double termSum, double lossSum, long criticSteps, long generatorSteps)
            implements java.io.Serializable {
        public static final Part NONE = new Part(0, 0, 0, 0, 0);

        public Part plus(Part o) {
            return new Part(distortionSum + o.distortionSum, termSum + o.termSum, lossSum + o.lossSum, criticSteps + o.criticSteps,
                    generatorSteps + o.generatorSteps);
        }

        /** The epoch's statistics: the parts' means over its generator steps. */
        public EpochStats stats() {
            double n = generatorSteps;
            LossParts mean = generatorSteps == 0 ? LossParts.NONE : new LossParts(distortionSum / n, termSum / n, lossSum / n);
            return new EpochStats(mean, criticSteps, generatorSteps);
        }
    }

    @Override
    public String describe() { return "on " + train.count() + " images in this thread"; }

    @Override
    public EpochStats fit(TrainingRun run, int epoch) {
        EpochBatches batches = EpochBatches.of(train, run.seeds(), epoch, run.config().batchSize());
        return fit(run, batches, epoch, 0, batches.count()).stats();
    }

    /**
     * Minibatches [from, to) of the epoch's cut, each one reference step with its index in the epoch
     * (critic or generator step, and its dither, follow from it). A non-finite generator loss
     * throws {@link Divergence} naming the step. Stage 1's averaging workers fit their shares here.
     */
    public static Part fit(TrainingRun run, EpochBatches batches, int epoch, int from, int to) {
        double distortionSum = 0, termSum = 0, lossSum = 0;
        long critic = 0, generator = 0;
        for (int i = from; i < to; i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted at epoch " + (epoch + 1));
            }
            DataSet b = batches.batch(i);
            LossParts loss = run.steps().step(epoch, i, b.getFeatures(), b.getLabels());
            if (Schedule.isCriticStep(i)) {
                critic++;
            } else {
                generator++;
                Divergence.check(loss.total(), epoch, i, run.config().lambda());
                distortionSum += loss.distortion();
                termSum += loss.term();
                lossSum += loss.total();
            }
        }
        return new Part(distortionSum, termSum, lossSum, critic, generator);
    }
}
