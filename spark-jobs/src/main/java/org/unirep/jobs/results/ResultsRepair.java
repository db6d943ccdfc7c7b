package org.unirep.jobs.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;
import org.unirep.training.RunStatus;

/**
 * Damaged tables: a table whose log cannot be read (an entry garbled or missing) or one of whose
 * data files for the sweep cannot be opened (truncated) is rebuilt from every readable data file
 * in its folder, rows deduplicated by their key; the damaged folder goes to {@code _quarantine/}.
 * Rows that lived only in an unreadable file are lost from the table: a point whose runs row is
 * lost trains again, and an ok point whose metrics rows are lost gets a failed row that supersedes
 * it, so that it trains again too. Nothing here stops a submission.
 */
public final class ResultsRepair {
    private static final Logger log = LoggerFactory.getLogger(ResultsRepair.class);

    private ResultsRepair() {}

    /** The rows' key in each table. */
    static String[] key(String table) {
        return table.equals(ResultsLayout.RUNS) ? new String[] {"sweep_id", "run_id", "attempt"}
                : new String[] {"sweep_id", "run_id", "attempt", "epoch", "split"};
    }

    /** Why the table cannot be read for this sweep (all sweeps: null), or null if it can: its log replays and every data file's footer opens. */
    public static String damage(SparkSession spark, HadoopFiles files, ResultsLayout layout, String table, String sweepId) {
        try {
            for (String f : ResultsTables.dataFiles(spark, layout, table, sweepId)) {
                try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(URI.create(f)), files.conf()))) {
                    r.getRecordCount();
                } catch (IOException | RuntimeException e) {
                    return "data file " + f + " cannot be read (" + e.getMessage() + ")";
                }
            }
            return null;
        } catch (Exception e) { // Spark's checked exceptions arrive undeclared from Scala
            return "its log cannot be read (" + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + ")";
        }
    }

    /** Checks both tables for the sweep and rebuilds a damaged one; returns what was damaged (empty if nothing). */
    public static List<String> repair(SparkSession spark, HadoopFiles files, ResultsLayout layout, String sweepId) throws IOException {
        List<String> damaged = new ArrayList<>();
        for (String table : List.of(ResultsLayout.METRICS, ResultsLayout.RUNS)) {
            String why = damage(spark, files, layout, table, sweepId);
            if (why == null) continue;
            log.warn("results: the {} table is damaged: {}; rebuilding it from its readable data files", table, why);
            rebuild(spark, files, layout, table);
            damaged.add(table + ": " + why);
        }
        if (!damaged.isEmpty()) supersedeLostMetrics(spark, layout, sweepId);
        return damaged;
    }

    private static void rebuild(SparkSession spark, HadoopFiles files, ResultsLayout layout, String table) throws IOException {
        TableSwap swap = new TableSwap(files, layout);
        swap.finish(table);
        ResultsTables.create(spark, swap.staged());
        Dataset<Row> rows = salvage(spark, files, layout, table);
        if (rows != null) rows.write().format(ResultsTables.FORMAT).mode("append").save(swap.staging(table));
        swap.commit(List.of(table), layout.quarantine("damaged-" + table));
        DeltaLog.clearCache();
    }

    /**
     * The rows of every readable data file in the table's folder, deduplicated by key, in the table's
     * columns (null if none is readable): what a damaged table still holds. Reads only.
     */
    public static Dataset<Row> salvage(SparkSession spark, HadoopFiles files, ResultsLayout layout, String table) throws IOException {
        List<String> readable = new ArrayList<>();
        FileSystem fs = files.fs(layout.table(table));
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(layout.table(table)), true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            String name = p.getName();
            if (p.toString().contains("/_delta_log/") || !name.endsWith(".parquet") || name.startsWith(".") || name.startsWith("_")) continue;
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, files.conf()))) {
                r.getRecordCount();
                readable.add(p.toString());
            } catch (IOException | RuntimeException e) {
                log.warn("results: {} cannot be read ({}); the rows only it held are lost and their points train again", p, e.getMessage());
            }
        }
        if (readable.isEmpty()) return null;
        return spark.read().schema(ResultsWriter.sparkSchema(table)).option("basePath", layout.table(table))
                .parquet(readable.toArray(String[]::new)).dropDuplicates(key(table)).selectExpr(ResultsWriter.sparkSchema(table).fieldNames());
    }

    /** An ok attempt without metrics rows gets a failed attempt after it, so that its point trains again. */
    private static void supersedeLostMetrics(SparkSession spark, ResultsLayout layout, String sweepId) throws IOException {
        Dataset<Row> runs = ResultsTables.read(spark, layout, ResultsLayout.RUNS, sweepId);
        Dataset<Row> latestOk = runs.withColumn("last", org.apache.spark.sql.functions.max("attempt")
                        .over(org.apache.spark.sql.expressions.Window.partitionBy("run_id")))
                .where(col("attempt").equalTo(col("last")).and(col("status").equalTo(RunStatus.OK.id()))).drop("last");
        Dataset<Row> withMetrics = ResultsTables.read(spark, layout, ResultsLayout.METRICS, sweepId).select("run_id", "attempt").distinct()
                .toDF("m_run_id", "m_attempt");
        Dataset<Row> lost = latestOk.join(withMetrics, col("run_id").equalTo(col("m_run_id")).and(col("attempt").equalTo(col("m_attempt"))),
                "left_anti");
        List<Row> rows = lost.withColumn("attempt", col("attempt").plus(1))
                .withColumn("status", lit(RunStatus.FAILED.id()))
                .withColumn("error", lit("its metrics rows were lost with a damaged data file; trained again"))
                .withColumn("model_path", lit(null).cast(DataTypes.StringType))
                .withColumn("model_sha256", lit(null).cast(DataTypes.StringType))
                .selectExpr(ResultsWriter.sparkSchema(ResultsLayout.RUNS).fieldNames()).collectAsList();
        if (rows.isEmpty()) return;
        log.warn("results: {} ok point(s) of sweep {} lost their metrics rows and will be trained again: {}", rows.size(), sweepId,
                rows.stream().map(r -> r.<String>getAs("run_id")).toList());
        ResultsTables.append(spark, layout, ResultsLayout.RUNS, rows);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
