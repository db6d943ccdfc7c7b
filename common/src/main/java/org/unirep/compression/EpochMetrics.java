package org.unirep.compression;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of one model after one epoch on one split. Units: mse = per-pixel mean squared error of
 * pixels in [0,1]; ce = mean cross-entropy of the frozen classifier on x^ in nats; accuracy in
 * [0,1]; w1 = critic estimate mean D(x) - mean D(x^); NaN where not measured.
 * <p>Split "test": the evaluation after the epoch. Split "train": the means over the epoch's generator steps
 * of the loss's parts ({@link LossParts}): mse = distortion, ce = RDC's term, perception = RDP's term
 * -mean D(x^), loss = distortion + lambda * term.
 */
public record EpochMetrics(int epoch, String split, double mse, double ce, double accuracy, double w1, double perception,
                           double loss) implements Serializable {
    public static final String TRAIN = "train", TEST = "test";

    /** An evaluation's row (no loss parts). */
    public EpochMetrics(int epoch, String split, double mse, double ce, double accuracy, double w1) {
        this(epoch, split, mse, ce, accuracy, w1, Double.NaN, Double.NaN);
    }

    /** For a metadata sidecar: the epoch, then the measured metrics in a fixed order (unmeasured ones left out). */
    public Map<String, Object> toJson() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("epoch", epoch);
        String[] names = {"mse", "ce", "accuracy", "w1", "perception", "loss"};
        double[] values = {mse, ce, accuracy, w1, perception, loss};
        for (int i = 0; i < names.length; i++) if (Double.isFinite(values[i])) h.put(names[i], values[i]);
        return h;
    }

    /** The training row of an epoch: the means of its generator steps' loss parts. */
    public static EpochMetrics training(int epoch, Mode mode, LossParts mean) {
        boolean rdc = mode == Mode.RDC;
        return new EpochMetrics(epoch, TRAIN, mean.distortion(), rdc ? mean.term() : Double.NaN, Double.NaN, Double.NaN,
                rdc ? Double.NaN : mean.term(), mean.total());
    }
}
