package org.unirep.compression;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

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
    public static final String TRAIN = "train", TEST = "test", NONE = "none";

    /** The row of an epoch that was not evaluated (no test split): split "none", NaN metrics. */
    public static EpochMetrics notEvaluated(int epoch) {
        return new EpochMetrics(epoch, NONE, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    public boolean evaluated() { return !split.equals(NONE); }

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

    /** How many of the last epochs a run's reported metrics average, as the reference reports them. */
    public static final int REPORTED_EPOCHS = 3;

    /**
     * A run's reported test metrics: each the mean over the last min(3, epochs) evaluation rows of
     * {@code rows} (train rows are skipped; NaN where there is none). The one reduction of a run's
     * history: runs rows, fidelity.csv and encoder-scaling.csv all report it.
     */
    public static EpochMetrics reported(List<EpochMetrics> rows) {
        List<EpochMetrics> test = rows.stream().filter(e -> !e.split().equals(TRAIN)).toList();
        List<EpochMetrics> tail = test.subList(Math.max(0, test.size() - REPORTED_EPOCHS), test.size());
        int epoch = tail.isEmpty() ? 0 : tail.get(tail.size() - 1).epoch();
        return new EpochMetrics(epoch, TEST, mean(tail, EpochMetrics::mse), mean(tail, EpochMetrics::ce), mean(tail, EpochMetrics::accuracy),
                mean(tail, EpochMetrics::w1));
    }

    private static double mean(List<EpochMetrics> ms, ToDoubleFunction<EpochMetrics> f) {
        return ms.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** The training row of an epoch: the means of its generator steps' loss parts. */
    public static EpochMetrics training(int epoch, Mode mode, LossParts mean) {
        boolean rdc = mode == Mode.RDC;
        return new EpochMetrics(epoch, TRAIN, mean.distortion(), rdc ? mean.term() : Double.NaN, Double.NaN, Double.NaN,
                rdc ? Double.NaN : mean.term(), mean.total());
    }
}
