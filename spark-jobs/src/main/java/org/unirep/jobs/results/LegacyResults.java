package org.unirep.jobs.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;

/** Reads a results root of the old layout (one Parquet file per attempt) that no sweep has migrated yet: the report and notebooks still read it. */
public final class LegacyResults {
    private static final Logger log = LoggerFactory.getLogger(LegacyResults.class);

    private LegacyResults() {}

    /** A table of the old layout, its damaged files left out with a warning (as the migration leaves them out). */
    public static Dataset<Row> read(SparkSession spark, HadoopFiles files, ResultsLayout layout, String table) throws IOException {
        List<String> usable = new ArrayList<>();
        for (FileStatus part : files.list(layout.table(table))) {
            if (!part.isDirectory() || !part.getPath().getName().startsWith(ResultsLayout.PARTITION + "=")) continue;
            for (String path : parquetFiles(files, part.getPath().toString()).values()) {
                String why = table.equals(ResultsLayout.RUNS) ? ResultsFileCheck.runs(files, path) : ResultsFileCheck.metrics(files, path);
                if (why == null) usable.add(path);
                else log.warn("results: ignoring {}: {}", path, why);
            }
        }
        usable.sort(null);
        var reader = spark.read().schema(ResultsWriter.sparkSchema(table)).option("basePath", layout.table(table));
        return usable.isEmpty() ? spark.createDataFrame(List.of(), ResultsWriter.sparkSchema(table))
                : reader.parquet(usable.toArray(String[]::new));
    }

    /** The Parquet files of a folder by name (not hidden ones). */
    static Map<String, String> parquetFiles(HadoopFiles files, String dir) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (!files.exists(dir)) return out;
        for (FileStatus s : files.list(dir)) {
            String n = s.getPath().getName();
            if (s.isFile() && n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) out.put(n, s.getPath().toString());
        }
        return out;
    }
}
