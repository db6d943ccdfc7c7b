package org.unirep.jobs.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.unirep.training.RunStatus;

/** The driver's view of a sweep's committed runs: which points are done, and each one's attempts. One query, nothing else opened. */
public final class ResultsReader {
    private ResultsReader() {}

    /** One committed attempt; {@code model} its saved model (ok attempts only). */
    public record Attempt(String runId, int attempt, RunStatus status, ModelRef model) {}

    /** Every committed attempt of the sweep, by run id, in attempt order. */
    public static Map<String, List<Attempt>> attempts(SparkSession spark, ResultsLayout layout, String sweepId) {
        Map<String, List<Attempt>> out = new HashMap<>();
        List<Row> rows = ResultsTables.read(spark, layout, ResultsLayout.RUNS, sweepId)
                .select("run_id", "attempt", "status", "model_path", "model_sha256").collectAsList();
        for (Row r : rows) {
            ModelRef model = r.isNullAt(3) ? null : new ModelRef(r.getString(3), r.isNullAt(4) ? null : r.getString(4));
            out.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                    .add(new Attempt(r.getString(0), r.getInt(1), RunStatus.parse(r.getString(2)), model));
        }
        for (List<Attempt> a : out.values()) a.sort(Comparator.comparingInt(Attempt::attempt));
        return out;
    }

    /** The attempt that decides a point's state: its newest (a later row supersedes an earlier one, e.g. a damaged model's). */
    public static Attempt latest(List<Attempt> attempts) {
        return attempts == null || attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    /** The point's ok attempt, if its newest attempt is ok. */
    public static Attempt ok(List<Attempt> attempts) {
        Attempt a = latest(attempts);
        return a != null && a.status() == RunStatus.OK ? a : null;
    }

    /** Ok, diverged (the same seed diverges again) or invalid (its configuration cannot train): not trained again. */
    public static boolean isFinal(List<Attempt> attempts) {
        Attempt a = latest(attempts);
        return a != null && a.status() != RunStatus.FAILED;
    }

    /**
     * A sweep's committed attempts, and the highest attempt number each point has in either table. A metrics row
     * can outlive its runs row (a runs data file lost to damage, or a kill between the two transactions with the
     * journal gone), so a new attempt numbers itself after both: its rows never share a key with an older attempt's.
     */
    public record Committed(Map<String, List<Attempt>> byRun, Map<String, Integer> highest) {
        /** The point's runs rows in attempt order (null if none). */
        public List<Attempt> of(String runId) {
            return byRun.get(runId);
        }

        /** The number the point's next attempt takes. */
        public int nextAttempt(String runId) {
            return highest.getOrDefault(runId, 0) + 1;
        }
    }

    /** The runs rows of the sweep and the highest attempt of each point in runs or metrics: two queries. */
    public static Committed committed(SparkSession spark, ResultsLayout layout, String sweepId) {
        Map<String, List<Attempt>> byRun = attempts(spark, layout, sweepId);
        Map<String, Integer> highest = new HashMap<>();
        for (List<Attempt> a : byRun.values()) highest.put(a.get(0).runId(), a.get(a.size() - 1).attempt());
        for (Row r : ResultsTables.read(spark, layout, ResultsLayout.METRICS, sweepId).groupBy("run_id")
                .agg(org.apache.spark.sql.functions.max("attempt")).collectAsList()) {
            highest.merge(r.getString(0), r.getInt(1), Math::max);
        }
        return new Committed(byRun, highest);
    }
}
