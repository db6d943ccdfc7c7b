package org.unirep.jobs.results;

import java.io.Serializable;
import org.unirep.io.HadoopFiles;

/**
 * Where a sweep's results live under the results root:
 * <pre>
 *   runs/sweep_id=ID/run-RUNID-aN.parquet       one row per trained model and attempt
 *   metrics/sweep_id=ID/run-RUNID-aN.parquet    its per-epoch test metrics and training loss parts
 *   models/RUNID/                               model.zip + critic.sd + metadata.json
 *   models/RUNID/_resume/                       the state after the last finished epoch, while training
 *   _staging/ID/                                files being written (ignored by Parquet readers)
 * </pre>
 * Both tables are Hive-partitioned by sweep_id, so Spark, pyarrow or DuckDB read them whole.
 */
public record ResultsLayout(String root) implements Serializable {
    public static final String RUNS = "runs", METRICS = "metrics";

    public String table(String table) { return HadoopFiles.join(root, table); }

    /** The partition column of both tables. */
    public static final String PARTITION = "sweep_id";

    public String partition(String table, String sweepId) { return HadoopFiles.join(table(table), PARTITION + "=" + sweepId); }

    public String file(String table, String sweepId, String runId, int attempt) {
        return HadoopFiles.join(partition(table, sweepId), fileName(runId, attempt));
    }

    public static String fileName(String runId, int attempt) { return "run-" + runId + "-a" + attempt + ".parquet"; }

    public String staging(String sweepId) { return HadoopFiles.join(root, "_staging/" + sweepId); }

    public String model(String runId) { return HadoopFiles.join(root, "models/" + runId); }

    /** Where a point in training keeps its per-epoch checkpoint (removed when it ends). */
    public String resume(String runId) { return HadoopFiles.join(model(runId), "_resume"); }
}
