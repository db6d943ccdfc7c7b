package org.unirep.jobs.results;

import static org.unirep.jobs.results.Columns.Type.*;
import static org.unirep.jobs.results.Columns.optional;
import static org.unirep.jobs.results.Columns.required;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.unirep.compression.EpochMetrics;
import org.unirep.io.CrashPoint;

/**
 * The one definition of the results tables' columns, and the one way rows get into them: a batch
 * of finished attempts is appended to {@code metrics}, then to {@code runs}, each as one Delta
 * transaction. The runs rows are the commit: a kill between the two leaves metrics rows whose
 * runs rows never landed, and the batch still in the pending journal ({@link PendingRecords}),
 * which the next submission commits without them ({@link ResultsRecovery}).
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
            optional("model_sha256", STRING, RunRecord::modelSha256),
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

    /** Columns added after results roots were first written: a row without them is still whole (they read as null). */
    static final Set<String> ADDED_LATER = Set.of("perception", "loss", "model_sha256");

    /** A table's columns ({@link ResultsLayout#RUNS} or {@link ResultsLayout#METRICS}). */
    static Columns<?> columns(String table) {
        return switch (table) {
            case ResultsLayout.RUNS -> RUNS;
            case ResultsLayout.METRICS -> METRICS;
            default -> throw new IllegalArgumentException("no results table '" + table + "', expected runs or metrics");
        };
    }

    /** How Spark reads a table ({@link ResultsLayout#RUNS} or {@link ResultsLayout#METRICS}), older files included. */
    public static StructType sparkSchema(String table) {
        return columns(table).sparkSchema;
    }

    private final SparkSession spark;
    private final ResultsLayout layout;

    public ResultsWriter(SparkSession spark, ResultsLayout layout) {
        this.spark = spark;
        this.layout = layout;
    }

    /** Commits one attempt at once (tests, and tools that write a handful of rows). */
    public void commit(RunRecord r) throws IOException {
        commit(List.of(r));
    }

    /** Appends the batch's metrics rows, then its runs rows: two transactions, the second the commit. */
    public void commit(List<RunRecord> batch) throws IOException {
        if (batch.isEmpty()) return;
        ResultsTables.create(spark, layout);
        CrashPoint.reach(CrashPoint.COMMIT_STAGED);
        List<RunRecord> withMetrics = batch.stream().filter(r -> !r.history().isEmpty()).toList();
        if (!withMetrics.isEmpty()) ResultsTables.append(spark, layout, ResultsLayout.METRICS, metricRows(withMetrics));
        CrashPoint.reach(CrashPoint.COMMIT_HALF);
        ResultsTables.append(spark, layout, ResultsLayout.RUNS, runRows(batch));
        CrashPoint.reach(CrashPoint.COMMITTED);
    }

    static List<Row> runRows(List<RunRecord> batch) {
        return batch.stream().map(r -> RUNS.sparkRow(r, r.sweepId())).toList();
    }

    static List<Row> metricRows(List<RunRecord> batch) {
        List<Row> rows = new ArrayList<>();
        for (RunRecord r : batch) for (EpochMetrics m : r.history()) rows.add(METRICS.sparkRow(new MetricsRow(r, m), r.sweepId()));
        return rows;
    }
}
