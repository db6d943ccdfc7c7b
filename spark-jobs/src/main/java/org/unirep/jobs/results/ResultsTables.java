package org.unirep.jobs.results;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.unirep.io.HadoopFiles;

/**
 * The results tables as Delta tables: created on first use with their properties, appended to in
 * batches, read whole or per sweep, compacted when a sweep ends. Readers outside Spark read them
 * with any Delta reader (delta-rs / DuckDB's delta extension / Trino); docs/results-tables.md says how.
 */
public final class ResultsTables {
    public static final String FORMAT = "delta";

    /**
     * Table properties, set when a table is created (on Delta 3.2 these are the settings that hold
     * for every writer, not a session's): small appends are compacted as the sweep runs, and the log
     * is checkpointed every 10 commits so that a reader replays at most 10 JSON entries.
     */
    static final List<String[]> PROPERTIES = List.of(
            new String[] {"delta.autoOptimize.autoCompact", "true"},
            new String[] {"delta.checkpointInterval", "10"});

    private ResultsTables() {}

    /** Whether the root holds the table as a Delta table. */
    public static boolean exists(HadoopFiles files, ResultsLayout layout, String table) throws IOException {
        return files.exists(layout.deltaLog(table));
    }

    /** Whether the root holds results of the old layout (one Parquet file per attempt), not yet migrated. */
    public static boolean isLegacy(HadoopFiles files, ResultsLayout layout) throws IOException {
        return files.exists(layout.table(ResultsLayout.RUNS)) && !exists(files, layout, ResultsLayout.RUNS);
    }

    /** Creates both tables if they do not exist (safe when two drivers race: the loser finds the winner's). */
    public static synchronized void create(SparkSession spark, ResultsLayout layout) throws IOException {
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
            if (exists(files, layout, table)) continue;
            try {
                var b = DeltaTable.createIfNotExists(spark).location(layout.table(table)).addColumns(ResultsWriter.sparkSchema(table))
                        .partitionedBy(ResultsLayout.PARTITION);
                for (String[] p : PROPERTIES) b = b.property(p[0], p[1]);
                b.execute();
            } catch (RuntimeException e) {
                if (!exists(files, layout, table)) throw new IOException("cannot create the results table " + layout.table(table) + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** One transaction: the rows (in the table's column order, sweep_id last) as one data file per sweep. */
    static void append(SparkSession spark, ResultsLayout layout, String table, List<Row> rows) {
        spark.createDataFrame(rows, ResultsWriter.sparkSchema(table)).repartition(1).write().format(FORMAT).mode("append")
                .save(layout.table(table));
    }

    /**
     * A table for readers (report, notebooks): the Delta table, or the old layout's files of a root no
     * sweep has migrated yet.
     */
    public static Dataset<Row> open(SparkSession spark, HadoopFiles files, ResultsLayout layout, String table) throws IOException {
        if (exists(files, layout, table)) return read(spark, layout, table);
        if (isLegacy(files, layout)) return LegacyResults.read(spark, files, layout, table);
        throw new IOException(layout.table(table) + " not found: " + layout.root() + " holds no sweep results");
    }

    /** The whole table. */
    public static Dataset<Row> read(SparkSession spark, ResultsLayout layout, String table) {
        return spark.read().format(FORMAT).load(layout.table(table));
    }

    /** One sweep's rows (its partition only). */
    public static Dataset<Row> read(SparkSession spark, ResultsLayout layout, String table, String sweepId) {
        return read(spark, layout, table).where(org.apache.spark.sql.functions.col(ResultsLayout.PARTITION).equalTo(sweepId));
    }

    /** Rewrites a sweep's partition of both tables into as few files as Delta's target size allows (one, for any sweep we know). */
    public static void compact(SparkSession spark, ResultsLayout layout, String sweepId) {
        for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
            DeltaTable.forPath(spark, layout.table(table)).optimize().where(ResultsLayout.PARTITION + " = '" + sweepId.replace("'", "''") + "'")
                    .executeCompaction();
        }
    }

    /** The data files a read of the table's current version opens (for one sweep, or all with null). */
    public static String[] dataFiles(SparkSession spark, ResultsLayout layout, String table, String sweepId) {
        return (sweepId == null ? read(spark, layout, table) : read(spark, layout, table, sweepId)).inputFiles();
    }
}
