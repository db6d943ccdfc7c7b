package org.unirep.jobs.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.unirep.io.HadoopFiles;

/** The driver's view of a sweep's committed runs: which points are done, and each one's attempts. */
public final class ResultsReader {
    private ResultsReader() {}

    public record Attempt(String runId, int attempt, String status) {}

    /** Every committed attempt of the sweep, by run id. */
    public static Map<String, List<Attempt>> attempts(SparkSession spark, HadoopFiles files, ResultsLayout layout, String sweepId)
            throws IOException {
        Map<String, List<Attempt>> out = new HashMap<>();
        Dataset<Row> runs = runs(spark, files, layout, sweepId);
        if (runs == null) return out;
        for (Row r : runs.select("run_id", "attempt", "status").collectAsList()) {
            out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Attempt(r.getString(0), r.getInt(1), r.getString(2)));
        }
        return out;
    }

    /** The sweep's runs rows, or null if it has none yet. */
    private static Dataset<Row> runs(SparkSession spark, HadoopFiles files, ResultsLayout layout, String sweepId) throws IOException {
        String dir = layout.partition(ResultsLayout.RUNS, sweepId);
        if (!files.exists(dir) || files.list(dir).length == 0) return null;
        return spark.read().option("basePath", layout.table(ResultsLayout.RUNS)).parquet(dir);
    }

    /** The status in a committed runs file, or null if that attempt has no row (read without Spark). */
    public static String committedStatus(HadoopFiles files, ResultsLayout layout, String sweepId, String runId, int attempt)
            throws IOException {
        String path = layout.file(ResultsLayout.RUNS, sweepId, runId, attempt);
        if (!files.exists(path)) return null;
        try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> r = org.apache.parquet.hadoop.ParquetReader
                .builder(new org.apache.parquet.hadoop.example.GroupReadSupport(), new org.apache.hadoop.fs.Path(path))
                .withConf(files.conf()).build()) {
            org.apache.parquet.example.data.Group g = r.read();
            return g == null ? null : g.getString("status", 0);
        }
    }

    public static Attempt ok(List<Attempt> attempts) {
        if (attempts == null) return null;
        return attempts.stream().filter(a -> RunRecord.OK.equals(a.status())).findFirst().orElse(null);
    }

    public static int nextAttempt(List<Attempt> attempts) {
        return attempts == null ? 1 : attempts.stream().mapToInt(Attempt::attempt).max().orElse(0) + 1;
    }
}
