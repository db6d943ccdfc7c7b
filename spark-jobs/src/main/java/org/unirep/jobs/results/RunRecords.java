package org.unirep.jobs.results;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unirep.compression.EpochMetrics;
import org.unirep.io.Json;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.training.RunStatus;

/** Builds runs rows and the model metadata sidecar from a finished (or failed) run. */
public final class RunRecords {
    private RunRecords() {}

    /** A record of a saved model (its path and SHA-256), or of none ({@code model} null). */
    public static RunRecord of(GridPoint p, String sweepId, int attempt, RunStatus status, String error, long start, long end,
                               String device, ModelRef model, List<EpochMetrics> metrics) {
        EpochMetrics m = EpochMetrics.reported(metrics);
        return new RunRecord(p.runId(), sweepId, attempt, p.stage(), p.kind(), p.mode(), p.dataset(), p.rateBits(), p.dim(),
                p.levels(), p.lambda(), p.encoderLambda(), p.encoderRunId(), p.seed(), p.epochs(), status, oneLine(error), start, end,
                host(), device, model == null ? null : model.path(), model == null ? null : model.sha256(), m.mse(), m.ce(),
                m.accuracy(), m.w1(), Json.render(p.identity()), List.copyOf(metrics));
    }

    /** The model's metadata.json: identity, status, per-epoch test metrics and training loss parts. */
    public static Map<String, Object> metadata(GridPoint p, String sweepId, RunStatus status, List<EpochMetrics> metrics, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>(p.identity());
        m.put("run_id", p.runId());
        m.put("sweep_id", sweepId);
        m.put("rate_bits", p.rateBits());
        m.put("status", status.id());
        m.put("test_metrics", test(metrics).stream().map(EpochMetrics::toJson).toList());
        m.put("train_metrics", metrics.stream().filter(e -> e.split().equals(EpochMetrics.TRAIN)).map(EpochMetrics::toJson).toList());
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        return m;
    }

    /** The evaluation rows. */
    static List<EpochMetrics> test(List<EpochMetrics> metrics) {
        return metrics.stream().filter(e -> !e.split().equals(EpochMetrics.TRAIN)).toList();
    }

    /** Errors go in one line of at most 2000 characters (full stack traces are in the task's log). */
    static String oneLine(String error) {
        if (error == null) return null;
        String s = error.replaceAll("\\s*\\R\\s*", " | ");
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }

    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
