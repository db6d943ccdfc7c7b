package org.unirep.jobs.results;

import io.delta.kernel.utils.DataFileStatus;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
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
     * for every writer, not a session's): the log is checkpointed every 10 commits so that a reader
     * replays at most 10 JSON entries (our commits and delta-spark's honour it), and writers through
     * delta-spark (a notebook's) compact small appends; ours compact in {@link #append}.
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

    /**
     * One transaction: the rows (in the table's column order, sweep_id last) as one Parquet file per
     * sweep, written from this JVM and added to the table by {@link TableCommit}. No Spark job: a
     * commit never waits for a task slot behind the sweep's own tasks, and costs the driver no query
     * planning (measured with `unirep bench-sweep`: a batch through a DataFrame write took 7 s of
     * wall time at 2 busy slots). A file written but not committed (a kill in between) is in no
     * version of the table. A sweep's partition is compacted every {@link #COMPACT_AFTER_FILES} files.
     */
    static void append(SparkSession spark, ResultsLayout layout, String table, List<Row> rows) throws IOException {
        if (rows.isEmpty()) return;
        SparkSession s = session(spark);
        HadoopFiles files = HadoopFiles.of(s.sparkContext().hadoopConfiguration());
        Columns<?> columns = ResultsWriter.columns(table);
        String root = files.qualify(layout.table(table));
        Map<String, List<Row>> bySweep = new TreeMap<>();
        int partition = columns.sparkSchema.fieldIndex(ResultsLayout.PARTITION);
        for (Row r : rows) bySweep.computeIfAbsent(r.getString(partition), k -> new ArrayList<>()).add(r);
        Map<String, List<DataFileStatus>> added = new TreeMap<>();
        for (Map.Entry<String, List<Row>> e : bySweep.entrySet()) {
            Path file = new Path(root + "/" + ExternalCatalogUtils.getPartitionPathString(ResultsLayout.PARTITION, e.getKey())
                    + "/part-00000-" + UUID.randomUUID() + ".c000.zstd.parquet");
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, files.conf())).withType(columns.schema)
                    .withConf(files.conf()).withCompressionCodec(CompressionCodecName.ZSTD).withWriteMode(ParquetFileWriter.Mode.CREATE).build()) {
                for (Row r : e.getValue()) w.write(columns.row(r));
            }
            added.put(e.getKey(), List.of(TableCommit.dataFile(file.getFileSystem(files.conf()).getFileStatus(file), e.getValue().size())));
        }
        TableCommit.append(TableCommit.engine(s), root, ResultsLayout.PARTITION, added);
        for (String sweep : added.keySet()) {
            String key = root + "\0" + sweep;
            int n;
            synchronized (ADDED_SINCE_COMPACTION) {
                n = ADDED_SINCE_COMPACTION.merge(key, 1, Integer::sum);
                if (n >= COMPACT_AFTER_FILES) ADDED_SINCE_COMPACTION.remove(key);
            }
            if (n >= COMPACT_AFTER_FILES) compact(spark, layout, table, sweep);
        }
    }

    /** Delta's own auto-compaction threshold (minNumFiles): files this JVM adds to a sweep's partition before it compacts it. */
    static final int COMPACT_AFTER_FILES = 50;
    private static final Map<String, Integer> ADDED_SINCE_COMPACTION = new HashMap<>();

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
        for (String table : List.of(ResultsLayout.RUNS, ResultsLayout.METRICS)) compact(spark, layout, table, sweepId);
    }

    private static void compact(SparkSession spark, ResultsLayout layout, String table, String sweepId) {
        DeltaTable.forPath(session(spark), layout.table(table)).optimize().where(ResultsLayout.PARTITION + " = '" + sweepId.replace("'", "''") + "'")
                .executeCompaction();
    }

    /** The data files a read of the table's current version opens (for one sweep, or all with null). */
    public static String[] dataFiles(SparkSession spark, ResultsLayout layout, String table, String sweepId) {
        return (sweepId == null ? read(spark, layout, table) : read(spark, layout, table, sweepId)).inputFiles();
    }
}
