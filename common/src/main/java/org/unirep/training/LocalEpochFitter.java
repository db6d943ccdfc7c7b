package org.unirep.training;

import java.util.concurrent.CancellationException;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/** Fits an epoch in this thread: the training set reshuffled from the seed, cut into minibatches. */
public final class LocalEpochFitter implements EpochFitter {
    private final LabeledImages train;

    public LocalEpochFitter(LabeledImages train) {
        this.train = train;
    }

    @Override
    public EpochStats fit(TrainingRun run, int epoch) {
        int[] order = Minibatches.permutation(train.count(), run.seeds().shuffle(epoch));
        int batch = run.config().batchSize();
        double lossSum = 0;
        long critic = 0, generator = 0;
        for (int start = 0, i = 0; start < order.length; start += batch, i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted at epoch " + (epoch + 1));
            }
            DataSet b = Minibatches.batch(train, order, start, Math.min(order.length, start + batch));
            double loss = run.steps().step(epoch, i, b.getFeatures(), b.getLabels());
            if (Schedule.isCriticStep(i)) {
                critic++;
            } else {
                generator++;
                Divergence.check(loss, epoch, i, run.config().lambda());
                lossSum += loss;
            }
        }
        return new EpochStats(generator == 0 ? Double.NaN : lossSum / generator, critic, generator);
    }
}
