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

    private static SparkSession parent, session;

    /**
     * The session the tables are written and read in: the caller's, with settings for tables of
     * thousands of rows, not billions. Measured with the sweep benchmark (200 points): Delta's log
     * replay in 50 shuffle partitions, each generating its projection code, took most of the CPU of a
     * point before these settings.
     */
    public static synchronized SparkSession session(SparkSession spark) {
        if (spark != parent) {
            SparkSession s = spark.newSession();
            s.conf().set("spark.databricks.delta.snapshotPartitions", "1");
            s.conf().set("spark.sql.shuffle.partitions", "1");
            s.conf().set("spark.sql.codegen.wholeStage", "false");
            s.conf().set("spark.sql.adaptive.enabled", "false");
            // Interpreted projections: generating their code per task cost more than running them on a few hundred rows.
            s.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
            parent = spark;
            session = s;
        }
        return session;
    }

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
                // Qualified: the builder takes a relative location for a table name.
                var b = DeltaTable.createIfNotExists(session(spark)).location(files.qualify(layout.table(table))).addColumns(ResultsWriter.sparkSchema(table))
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
        session(spark).createDataFrame(rows, ResultsWriter.sparkSchema(table)).coalesce(1).write().format(FORMAT).mode("append")
                .save(layout.table(table));
    }

    /**
     * A table for readers (report, notebooks): the Delta table, or the old layout's files of a root no
     * sweep has migrated yet. A damaged table is read from its readable data files, with a warning
     * (the next submission of a sweep repairs it; {@link ResultsRepair}).
     */
    public static Dataset<Row> open(SparkSession spark, HadoopFiles files, ResultsLayout layout, String table) throws IOException {
        if (exists(files, layout, table)) {
            String why = ResultsRepair.damage(spark, files, layout, table, null);
            // In the caller's session: its temp views and settings are the caller's.
            if (why == null) return spark.read().format(FORMAT).load(layout.table(table));
            org.slf4j.LoggerFactory.getLogger(ResultsTables.class).warn("results: the {} table at {} is damaged: {}; reading its readable "
                    + "data files (a submission of its sweep repairs it)", table, layout.root(), why);
            Dataset<Row> rows = ResultsRepair.salvage(spark, files, layout, table);
            return rows != null ? rows : spark.createDataFrame(List.of(), ResultsWriter.sparkSchema(table));
        }
        if (isLegacy(files, layout)) return LegacyResults.read(spark, files, layout, table);
        throw new IOException(layout.table(table) + " not found: " + layout.root() + " holds no sweep results");
    }

    /** The whole table. */
    public static Dataset<Row> read(SparkSession spark, ResultsLayout layout, String table) {
        return session(spark).read().format(FORMAT).load(layout.table(table));
    }

    /** One sweep's rows (its partition only). */
    public static Dataset<Row> read(SparkSession spark, ResultsLayout layout, String table, String sweepId) {
        return read(spark, layout, table).where(org.apache.spark.sql.functions.col(ResultsLayout.PARTITION).equalTo(sweepId));
    }

    /** Rewrites a sweep's partition of both tables into as few files as Delta's target size allows (one, for any sweep we know). */
    public static void compact(SparkSession spark, ResultsLayout layout, String sweepId) {
        for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) {
            DeltaTable.forPath(session(spark), layout.table(table)).optimize().where(ResultsLayout.PARTITION + " = '" + sweepId.replace("'", "''") + "'")
                    .executeCompaction();
        }
    }

    /** The data files a read of the table's current version opens (for one sweep, or all with null). */
    public static String[] dataFiles(SparkSession spark, ResultsLayout layout, String table, String sweepId) {
        return (sweepId == null ? read(spark, layout, table) : read(spark, layout, table, sweepId)).inputFiles();
    }
}
