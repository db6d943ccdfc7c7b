package org.unirep.jobs.results;

import static org.unirep.jobs.results.Columns.Type.*;
import static org.unirep.jobs.results.Columns.optional;
import static org.unirep.jobs.results.Columns.required;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.types.StructType;
import org.unirep.compression.EpochMetrics;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;

/**
 * Commits one run's rows from wherever it was trained (a Spark task or the driver), with no Spark
 * job: both files are written under _staging, then renamed into place, metrics first and the runs
 * row last. The runs row is the commit: a kill before it leaves only staging files and a metrics
 * file without its run, which {@link ResultsRecovery} removes before the next submission.
 */
public final class ResultsWriter {
    /** The runs table: one row per attempt of a model. Units and meanings: docs/results-tables.md. */
    static final Columns<RunRecord> RUNS = new Columns<>("runs",
            required("run_id", STRING, RunRecord::runId),
            required("attempt", INT, RunRecord::attempt),
            required("stage", STRING, r -> r.stage().id()),
            required("kind", STRING, r -> r.kind().id()),
            required("mode", STRING, r -> r.mode().id()),
            required("dataset", STRING, RunRecord::dataset),
            required("rate_bits", DOUBLE, RunRecord::rateBits),
            required("dim", INT, RunRecord::dim),
            required("levels", INT, RunRecord::levels),
            required("lambda", DOUBLE, RunRecord::lambda),
            required("encoder_lambda", DOUBLE, RunRecord::encoderLambda),
            optional("encoder_run_id", STRING, RunRecord::encoderRunId),
            required("seed", LONG, RunRecord::seed),
            required("epochs", INT, RunRecord::epochs),
            required("status", STRING, r -> r.status().id()),
            optional("error", STRING, RunRecord::error),
            required("start_time", TIMESTAMP, RunRecord::startMillis),
            required("end_time", TIMESTAMP, RunRecord::endMillis),
            required("seconds", DOUBLE, RunRecord::seconds),
            required("host", STRING, RunRecord::host),
            required("device", STRING, RunRecord::device),
            optional("model_path", STRING, RunRecord::modelPath),
            optional("mse", DOUBLE, RunRecord::mse),
            optional("ce", DOUBLE, RunRecord::ce),
            optional("accuracy", DOUBLE, RunRecord::accuracy),
            optional("w1", DOUBLE, RunRecord::w1),
            required("config", STRING, RunRecord::config));

    /** One epoch's test metrics, or its training loss parts, of one attempt. */
    record MetricsRow(RunRecord run, EpochMetrics epoch) {}

    /** The metrics table: per epoch of an attempt, a test row and a train row. */
    static final Columns<MetricsRow> METRICS = new Columns<>("metrics",
            required("run_id", STRING, m -> m.run().runId()),
            required("attempt", INT, m -> m.run().attempt()),
            required("epoch", INT, m -> m.epoch().epoch()),
            required("split", STRING, m -> m.epoch().split()),
            optional("mse", DOUBLE, m -> m.epoch().mse()),
            optional("ce", DOUBLE, m -> m.epoch().ce()),
            optional("accuracy", DOUBLE, m -> m.epoch().accuracy()),
            optional("w1", DOUBLE, m -> m.epoch().w1()),
            optional("perception", DOUBLE, m -> m.epoch().perception()),
            optional("loss", DOUBLE, m -> m.epoch().loss()));

    static final MessageType RUNS_SCHEMA = RUNS.schema, METRICS_SCHEMA = METRICS.schema;

    /** Columns added after results roots were first written: a file without them is still whole (they read as null). */
    static final Set<String> ADDED_LATER = Set.of("perception", "loss");

    /** How Spark reads a table ({@link ResultsLayout#RUNS} or {@link ResultsLayout#METRICS}), older files included. */
    public static StructType sparkSchema(String table) {
        return switch (table) {
            case ResultsLayout.RUNS -> RUNS.sparkSchema;
            case ResultsLayout.METRICS -> METRICS.sparkSchema;
            default -> throw new IllegalArgumentException("no results table '" + table + "', expected runs or metrics");
        };
    }

    private final HadoopFiles files;
    private final ResultsLayout layout;

    public ResultsWriter(HadoopFiles files, ResultsLayout layout) {
        this.files = files;
        this.layout = layout;
    }

    public void commit(RunRecord r) throws IOException {
        String staging = HadoopFiles.join(layout.staging(r.sweepId()), r.runId() + "-a" + r.attempt());
        String runsTmp = HadoopFiles.join(staging, "runs.parquet"), metricsTmp = HadoopFiles.join(staging, "metrics.parquet");
        write(metricsTmp, METRICS_SCHEMA, metricRows(r));
        write(runsTmp, RUNS_SCHEMA, List.of(runRow(r)));
        CrashPoint.reach(CrashPoint.COMMIT_STAGED);
        // A Spark task re-executing the same attempt replaces its files: never a duplicate row.
        files.replace(metricsTmp, layout.file(ResultsLayout.METRICS, r.sweepId(), r.runId(), r.attempt()));
        CrashPoint.reach(CrashPoint.COMMIT_HALF);
        files.replace(runsTmp, layout.file(ResultsLayout.RUNS, r.sweepId(), r.runId(), r.attempt()));
        files.delete(staging);
        CrashPoint.reach(CrashPoint.COMMITTED);
    }

    private void write(String path, MessageType schema, List<Group> rows) throws IOException {
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(new Path(path), files.conf()))
                .withType(schema)
                .withConf(files.conf())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            for (Group g : rows) w.write(g);
        }
    }

    static Group runRow(RunRecord r) {
        return RUNS.row(r);
    }

    static List<Group> metricRows(RunRecord r) {
        return r.history().stream().map(m -> METRICS.row(new MetricsRow(r, m))).toList();
    }
}
