package org.unirep.jobs.results;

import java.io.Serializable;
import java.util.List;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Kind;
import org.unirep.compression.Mode;
import org.unirep.jobs.plan.Stage;
import org.unirep.training.RunStatus;

/**
 * One row of the runs table (columns documented in docs/results-tables.md), with the epochs that
 * go to the metrics table. Metrics summaries are test-split means over the last min(3, epochs)
 * epochs, as the reference reports them; NaN where not measured (w1 without a critic). {@code modelSha256}:
 * the SHA-256 of the saved model.zip, checked when the model is used.
 */
public record RunRecord(String runId, String sweepId, int attempt, Stage stage, Kind kind, Mode mode, String dataset,
                        double rateBits, int dim, int levels, double lambda, double encoderLambda, String encoderRunId,
                        long seed, int epochs, RunStatus status, String error, long startMillis, long endMillis,
                        String host, String device, String modelPath, String modelSha256, double mse, double ce, double accuracy, double w1,
                        String config, List<EpochMetrics> history) implements Serializable {

    public double seconds() { return (endMillis - startMillis) / 1000.0; }

    /** The saved model, or null (a failed or diverged attempt has none). */
    public ModelRef model() { return modelPath == null ? null : new ModelRef(modelPath, modelSha256); }

    /** The key of a row in both tables (with the sweep). */
    public String key() { return runId + "-a" + attempt; }
}
