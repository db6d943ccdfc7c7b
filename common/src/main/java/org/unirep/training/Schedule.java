package org.unirep.training;

/**
 * The reference's training schedule ("The training loop, exactly" in REFERENCE.md, uRDP train.py):
 * <ul>
 *   <li>step i of an epoch is a critic step when i is even, a generator step when i is odd
 *       (n_critic = 1, one step per minibatch: 469 + 469 at 60k images and batch 64);</li>
 *   <li>all three optimisers' learning rates: x1 in epochs 0-19, x1/5 in 20-39, x1/50 from 40;</li>
 *   <li>a lambda = 0 end-to-end run (uRDP train_base) weights its second term by 0.0005 (12 - e) / 12
 *       in epoch e < 12, then 0; a universal decoder's lambda is constant (train_reduced), 0 included.</li>
 * </ul>
 */
public final class Schedule {
    public static final double ANNEAL_START = 0.0005;
    public static final int ANNEAL_EPOCHS = 12;

    private Schedule() {}

    public static boolean isCriticStep(long index) { return index % 2 == 0; }

    public static double lrFactor(int epoch) {
        return epoch < 20 ? 1.0 : epoch < 40 ? 0.2 : 0.02;
    }

    /** The weight of the generator's second term in epoch {@code epoch} of an end-to-end run at {@code lambda}. */
    public static double lambda(double lambda, int epoch) {
        return lambda(lambda, epoch, false);
    }

    /** As above; a universal decoder's ({@code universal}) is {@code lambda} in every epoch. */
    public static double lambda(double lambda, int epoch, boolean universal) {
        if (lambda != 0 || universal) return lambda;
        int e = Math.min(epoch, ANNEAL_EPOCHS);
        return ANNEAL_START * (ANNEAL_EPOCHS - e) / ANNEAL_EPOCHS;
    }
}
