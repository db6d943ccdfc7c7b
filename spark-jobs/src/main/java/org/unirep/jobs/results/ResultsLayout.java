package org.unirep.jobs.results;

import java.io.Serializable;
import org.unirep.io.HadoopFiles;

/**
 * Where results live under the results root:
 * <pre>
 *   runs/                         Delta table, partitioned by sweep_id: one row per attempt of a model
 *   metrics/                      Delta table, partitioned by sweep_id: per-epoch test metrics and training loss parts
 *   models/SWEEP_ID/RUNID/        model.zip + critic.sd + metadata.json of an ok point
 *   _resume/SWEEP_ID/RUNID/       a point's state after its last finished epoch, while it trains
 *   _pending/SWEEP_ID/RUNID-aN.record   a finished attempt not yet committed to the tables (the journal)
 *   _leases/, _quarantine/, _legacy/
 * </pre>
 * Roots written before the tables were Delta tables hold {@code runs/sweep_id=ID/run-RUNID-aN.parquet}
 * files (one per attempt) and {@code models/RUNID/}: {@link ResultsMigration} moves them to this layout.
 */
public record ResultsLayout(String root) implements Serializable {
    public static final String RUNS = "runs", METRICS = "metrics";

    /** The partition column of both tables. */
    public static final String PARTITION = "sweep_id";

    public String table(String table) { return HadoopFiles.join(root, table); }

    /** A table's Delta log: a table without one is of the old layout (or absent). */
    public String deltaLog(String table) { return HadoopFiles.join(table(table), "_delta_log"); }

    /** Models are scoped to their sweep: two sweeps on one root never write the same folder. */
    public String model(String sweepId, String runId) { return HadoopFiles.join(root, "models/" + sweepId + "/" + runId); }

    /** Where a point in training keeps its per-epoch checkpoint (removed when it ends). */
    public String resume(String sweepId, String runId) { return HadoopFiles.join(resumeDir(sweepId), runId); }

    public String resumeDir(String sweepId) { return HadoopFiles.join(root, "_resume/" + sweepId); }

    public String pendingDir(String sweepId) { return HadoopFiles.join(root, "_pending/" + sweepId); }

    public String pending(String sweepId, String runId, int attempt) {
        return HadoopFiles.join(pendingDir(sweepId), runId + "-a" + attempt + PendingRecords.SUFFIX);
    }

    /** A folder for things moved aside, named by the time and this process. */
    public String quarantine(String what) {
        String stamp = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        return HadoopFiles.join(root, "_quarantine/" + what + "/" + stamp + "-" + ProcessHandle.current().pid());
    }

    // The old layout, read by the migration and by readers of roots not yet migrated.

    public String legacyPartition(String table, String sweepId) { return HadoopFiles.join(table(table), PARTITION + "=" + sweepId); }

    public String legacyFile(String table, String sweepId, String runId, int attempt) {
        return HadoopFiles.join(legacyPartition(table, sweepId), legacyFileName(runId, attempt));
    }

    public static String legacyFileName(String runId, int attempt) { return "run-" + runId + "-a" + attempt + ".parquet"; }

    public String legacyStaging(String sweepId) { return HadoopFiles.join(root, "_staging/" + sweepId); }

    public String legacyModel(String runId) { return HadoopFiles.join(root, "models/" + runId); }
}
