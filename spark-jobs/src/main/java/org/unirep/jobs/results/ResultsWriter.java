package org.unirep.jobs.results;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
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
    static final MessageType RUNS_SCHEMA = MessageTypeParser.parseMessageType("""
            message runs {
              required binary run_id (STRING);
              required int32 attempt;
              required binary stage (STRING);
              required binary kind (STRING);
              required binary mode (STRING);
              required binary dataset (STRING);
              required double rate_bits;
              required int32 dim;
              required int32 levels;
              required double lambda;
              required double encoder_lambda;
              optional binary encoder_run_id (STRING);
              required int64 seed;
              required int32 epochs;
              required binary status (STRING);
              optional binary error (STRING);
              required int64 start_time (TIMESTAMP(MILLIS,true));
              required int64 end_time (TIMESTAMP(MILLIS,true));
              required double seconds;
              required binary host (STRING);
              required binary device (STRING);
              optional binary model_path (STRING);
              optional double mse;
              optional double ce;
              optional double accuracy;
              optional double w1;
              required binary config (STRING);
            }""");

    static final MessageType METRICS_SCHEMA = MessageTypeParser.parseMessageType("""
            message metrics {
              required binary run_id (STRING);
              required int32 attempt;
              required int32 epoch;
              required binary split (STRING);
              optional double mse;
              optional double ce;
              optional double accuracy;
              optional double w1;
            }""");

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
        move(metricsTmp, layout.file(ResultsLayout.METRICS, r.sweepId(), r.runId(), r.attempt()));
        CrashPoint.reach(CrashPoint.COMMIT_HALF);
        move(runsTmp, layout.file(ResultsLayout.RUNS, r.sweepId(), r.runId(), r.attempt()));
        files.delete(staging);
        CrashPoint.reach(CrashPoint.COMMITTED);
    }

    private void move(String from, String to) throws IOException {
        FileSystem fs = files.fs(to);
        Path target = new Path(to);
        fs.mkdirs(target.getParent());
        if (fs.exists(target)) fs.delete(target, false); // the same attempt re-executed by Spark: replace, never duplicate
        if (!fs.rename(new Path(from), target)) throw new IOException("could not move " + from + " to " + to);
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
        Group g = new SimpleGroupFactory(RUNS_SCHEMA).newGroup()
                .append("run_id", r.runId())
                .append("attempt", r.attempt())
                .append("stage", r.stage())
                .append("kind", r.kind())
                .append("mode", r.mode())
                .append("dataset", r.dataset())
                .append("rate_bits", r.rateBits())
                .append("dim", r.dim())
                .append("levels", r.levels())
                .append("lambda", r.lambda())
                .append("encoder_lambda", r.encoderLambda());
        if (r.encoderRunId() != null) g.append("encoder_run_id", r.encoderRunId());
        g.append("seed", r.seed()).append("epochs", r.epochs()).append("status", r.status());
        if (r.error() != null) g.append("error", r.error());
        g.append("start_time", r.startMillis()).append("end_time", r.endMillis()).append("seconds", r.seconds())
                .append("host", r.host()).append("device", r.device());
        if (r.modelPath() != null) g.append("model_path", r.modelPath());
        optional(g, "mse", r.mse());
        optional(g, "ce", r.ce());
        optional(g, "accuracy", r.accuracy());
        optional(g, "w1", r.w1());
        return g.append("config", r.config());
    }

    static List<Group> metricRows(RunRecord r) {
        SimpleGroupFactory f = new SimpleGroupFactory(METRICS_SCHEMA);
        return r.history().stream().map((EpochMetrics m) -> {
            Group g = f.newGroup().append("run_id", r.runId()).append("attempt", r.attempt()).append("epoch", m.epoch())
                    .append("split", m.split());
            optional(g, "mse", m.mse());
            optional(g, "ce", m.ce());
            optional(g, "accuracy", m.accuracy());
            optional(g, "w1", m.w1());
            return g;
        }).toList();
    }

    /** NaN (not measured) is written as null, so SQL aggregates skip it. */
    private static void optional(Group g, String field, double v) {
        if (!Double.isNaN(v)) g.append(field, v);
    }
}
