package org.unirep.compression;

/**
 * The generator loss of one step and its parts (CompressAI's losses return theirs): the distortion (MSE per pixel,
 * pixels in [0,1]), the second term before lambda (RDC: the frozen classifier's cross-entropy on x^ in nats; RDP:
 * the perception term -mean D(x^)), and the total distortion + lambda * term that the step minimised.
 */
public record LossParts(double distortion, double term, double total) {
    public static final LossParts NONE = new LossParts(Double.NaN, Double.NaN, Double.NaN);

    /** A critic step's: only its own loss (-D(x) + D(x^) + 10 GP) when measured, no generator parts. */
    public static LossParts critic(double loss) {
        return new LossParts(Double.NaN, Double.NaN, loss);
    }
}
