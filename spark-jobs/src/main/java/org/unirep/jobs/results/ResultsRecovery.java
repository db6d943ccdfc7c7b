package org.unirep.jobs.results;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;

/**
 * Before a submission (under its lease), in this order: moves a root of the old layout to Delta
 * tables ({@link ResultsMigration}); rebuilds a damaged table ({@link ResultsRepair}); commits the
 * attempts a killed driver left in the pending journal (idempotently: a row already in a table is
 * not written again); removes the old layout's staging files. Reads one listing of the journal
 * and the tables' logs and footers: no model is opened.
 */
public final class ResultsRecovery {
    private static final Logger log = LoggerFactory.getLogger(ResultsRecovery.class);

    private ResultsRecovery() {}

    /** What recovery did: attempts migrated, tables rebuilt, journal entries committed. */
    public record Outcome(int migrated, List<String> repaired, int recommitted) {}

    public static Outcome recover(SparkSession spark, HadoopFiles files, ResultsLayout layout, String sweepId) throws IOException {
        int migrated = ResultsMigration.migrate(spark, files, layout);
        if (files.exists(layout.legacyStaging(sweepId))) files.delete(layout.legacyStaging(sweepId));
        ResultsTables.create(spark, layout);
        List<String> repaired = ResultsRepair.repair(spark, files, layout, sweepId);
        int recommitted = commitJournal(spark, files, layout, sweepId);
        return new Outcome(migrated, repaired, recommitted);
    }

    /** Commits the journal's attempts that are not in the tables yet, then clears the journal. */
    static int commitJournal(SparkSession spark, HadoopFiles files, ResultsLayout layout, String sweepId) throws IOException {
        PendingRecords pending = new PendingRecords(files, layout);
        List<RunRecord> records = pending.all(sweepId);
        if (records.isEmpty()) return 0;
        Set<String> ids = new HashSet<>();
        for (RunRecord r : records) ids.add(r.runId());
        Set<String> inRuns = keys(spark, layout, ResultsLayout.RUNS, sweepId, ids), inMetrics = keys(spark, layout, ResultsLayout.METRICS, sweepId, ids);
        List<RunRecord> runs = new ArrayList<>(), metrics = new ArrayList<>();
        for (RunRecord r : records) {
            if (inRuns.contains(r.key())) continue;
            runs.add(r);
            if (!inMetrics.contains(r.key()) && !r.history().isEmpty()) metrics.add(r);
        }
        if (!metrics.isEmpty()) ResultsTables.append(spark, layout, ResultsLayout.METRICS, ResultsWriter.metricRows(metrics));
        if (!runs.isEmpty()) ResultsTables.append(spark, layout, ResultsLayout.RUNS, ResultsWriter.runRows(runs));
        CrashPoint.reach(CrashPoint.RECOVERY_STEP);
        pending.delete(records);
        if (!runs.isEmpty()) {
            log.info("results: committed {} attempt(s) of sweep {} that a previous submission finished but did not commit", runs.size(), sweepId);
        }
        return runs.size();
    }

    /** The keys (run_id-aN) of these runs' rows already in a table. */
    private static Set<String> keys(SparkSession spark, ResultsLayout layout, String table, String sweepId, Set<String> runIds) {
        Set<String> out = new HashSet<>();
        for (Row r : ResultsTables.read(spark, layout, table, sweepId).where(col("run_id").isin(runIds.toArray()))
                .select("run_id", "attempt").distinct().collectAsList()) {
            out.add(r.getString(0) + "-a" + r.getInt(1));
        }
        return out;
    }

    /**
     * Removes the checkpoints of points that no longer train: done (ok or diverged), or not in the
     * plan any more. {@code training}: run ids this submission may train.
     */
    public static int removeStaleCheckpoints(HadoopFiles files, ResultsLayout layout, String sweepId, Set<String> training)
            throws IOException {
        String dir = layout.resumeDir(sweepId);
        if (!files.exists(dir)) return 0;
        int removed = 0;
        for (FileStatus s : files.list(dir)) {
            if (!s.isDirectory() || training.contains(s.getPath().getName())) continue;
            files.delete(s.getPath().toString());
            removed++;
        }
        if (removed > 0) log.info("results: removed {} checkpoint(s) of points of sweep {} that no longer train", removed, sweepId);
        return removed;
    }
}
