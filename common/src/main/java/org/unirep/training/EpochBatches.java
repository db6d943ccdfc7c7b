package org.unirep.training;

import java.util.Arrays;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/**
 * The minibatches of one epoch, as the reference's {@code DataLoader(shuffle=True)} cuts them: the
 * training set reshuffled from the run's seed ({@link Seeds#shuffle}), then cut into consecutive
 * minibatches (the last one may be short). Local training and stage 1's averaging workers both cut
 * their epochs here, so an example travels with different companions every epoch, and minibatch i
 * of epoch e holds the same examples wherever it is fitted.
 */
public final class EpochBatches {
    private final LabeledImages train;
    private final int[] order;
    private final int batchSize;

    private EpochBatches(LabeledImages train, int[] order, int batchSize) {
        this.train = train;
        this.order = order;
        this.batchSize = batchSize;
    }

    public static EpochBatches of(LabeledImages train, Seeds seeds, int epoch, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + ", expected at least 1");
        return new EpochBatches(train, Minibatches.permutation(train.count(), seeds.shuffle(epoch)), batchSize);
    }

    /** An epoch cut from a given order of training-set indices (a golden-file test replays the twin's shuffles). */
    public static EpochBatches of(LabeledImages train, int[] order, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + ", expected at least 1");
        for (int i : order) {
            if (i < 0 || i >= train.count()) throw new IllegalArgumentException("example " + i + " is not in the training set of " + train.count());
        }
        return new EpochBatches(train, order.clone(), batchSize);
    }

    /** Minibatches in the epoch. */
    public int count() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** Minibatch {@code i} of the epoch, as floats in [0, 1] with one-hot labels. */
    public DataSet batch(int i) {
        return Minibatches.batch(train, order, i * batchSize, Math.min(order.length, (i + 1) * batchSize));
    }

    /** The training-set indices of the examples in minibatch {@code i}. */
    public int[] examples(int i) {
        return Arrays.copyOfRange(order, i * batchSize, Math.min(order.length, (i + 1) * batchSize));
    }
}
