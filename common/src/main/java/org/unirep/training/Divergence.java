package org.unirep.training;

/** A run whose loss or test metrics stopped being finite: it ends as DIVERGED, with this message. */
public final class Divergence extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Divergence(String message) {
        super(message);
    }

    /** Throws if a generator step's loss is NaN or infinite. */
    public static void check(double loss, int epoch, long step, double lambda) {
        if (!Double.isFinite(loss)) {
            throw new Divergence("loss became " + loss + " at epoch " + (epoch + 1) + ", step " + (step + 1) + " (lambda " + lambda + ")");
        }
    }
}
