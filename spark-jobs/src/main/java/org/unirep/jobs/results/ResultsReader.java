package org.unirep.jobs.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;
import org.unirep.training.RunStatus;

/** The driver's view of a sweep's committed runs: which points are done, and each one's attempts. */
public final class ResultsReader {
    private static final Logger log = LoggerFactory.getLogger(ResultsReader.class);

    private ResultsReader() {}

    public record Attempt(String runId, int attempt, RunStatus status) {}

    /** Every committed attempt of the sweep, by run id. */
    public static Map<String, List<Attempt>> attempts(SparkSession spark, HadoopFiles files, ResultsLayout layout, String sweepId)
            throws IOException {
        Map<String, List<Attempt>> out = new HashMap<>();
        Dataset<Row> runs = runs(spark, files, layout, sweepId);
        if (runs == null) return out;
        for (Row r : runs.select("run_id", "attempt", "status").collectAsList()) {
            out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Attempt(r.getString(0), r.getInt(1), RunStatus.parse(r.getString(2))));
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
    public static RunStatus committedStatus(HadoopFiles files, ResultsLayout layout, String sweepId, String runId, int attempt)
            throws IOException {
        String path = layout.file(ResultsLayout.RUNS, sweepId, runId, attempt);
        if (!files.exists(path)) return null;
        Group g = firstRow(files, path);
        return g == null ? null : RunStatus.parse(g.getString("status", 0));
    }

    /** The first row of a Parquet file, or null if it has none (read without Spark). */
    static Group firstRow(HadoopFiles files, String path) throws IOException {
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), new Path(path)).withConf(files.conf()).build()) {
            return r.read();
        }
    }

    /**
     * Every runs file of every sweep under a results root that {@link ResultsFileCheck} passes; a
     * damaged one is skipped with a warning (the next submission of its sweep quarantines it).
     */
    public static List<String> usableRunsFiles(HadoopFiles files, ResultsLayout layout) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus part : files.list(layout.table(ResultsLayout.RUNS))) {
            if (!part.isDirectory() || !part.getPath().getName().startsWith("sweep_id=")) continue;
            for (String path : ResultsRecovery.parquetFiles(files, part.getPath().toString()).values()) {
                String why = ResultsFileCheck.runs(files, path);
                if (why == null) out.add(path);
                else log.warn("results: ignoring {}: {}", path, why);
            }
        }
        out.sort(null);
        return out;
    }

    public static Attempt ok(List<Attempt> attempts) {
        if (attempts == null) return null;
        return attempts.stream().filter(a -> a.status() == RunStatus.OK).findFirst().orElse(null);
    }

    public static int nextAttempt(List<Attempt> attempts) {
        return attempts == null ? 1 : attempts.stream().mapToInt(Attempt::attempt).max().orElse(0) + 1;
    }
}
