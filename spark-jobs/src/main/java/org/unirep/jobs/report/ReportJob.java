package org.unirep.jobs.report;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsReader;

/**
 * The report: reads the runs tables of one or more results roots (optionally some sweeps only)
 * and writes, under {@code out}: {@code curves/} and {@code penalties/} (Parquet, columns of
 * {@link CurvePoint} and {@link Penalty} in snake_case) and {@code report.html} with its figures
 * ({@code figures/*.png|svg}; the HTML embeds the PNGs, so it is self-contained).
 */
public final class ReportJob {
    private static final Logger log = LoggerFactory.getLogger(ReportJob.class);

    private ReportJob() {}

    public record Result(List<CurvePoint> curves, List<Penalty> penalties, String html) {}

    public static Result entryPoint(SparkSession spark, List<String> resultsRoots, List<String> sweeps, String out) throws IOException {
        HadoopFiles files = HadoopFiles.of(JavaSparkContext.fromSparkContext(spark.sparkContext()).hadoopConfiguration());
        Dataset<Row> runs = null;
        for (String root : resultsRoots) {
            String table = new ResultsLayout(root).table(ResultsLayout.RUNS);
            if (!files.exists(table)) throw new IOException(table + " not found: " + root + " holds no sweep results");
            List<String> usable = ResultsReader.usableRunsFiles(files, new ResultsLayout(root));
            if (usable.isEmpty()) continue;
            Dataset<Row> r = spark.read().option("basePath", table).parquet(usable.toArray(String[]::new));
            runs = runs == null ? r : runs.unionByName(r);
        }
        if (runs == null) throw new IOException("no runs in " + resultsRoots);
        Dataset<Row> ok = runs.filter("status = 'ok'");
        if (!sweeps.isEmpty()) ok = ok.filter(col("sweep_id").isin(sweeps.toArray()));
        spark.sparkContext().setJobDescription("report: curves");
        // Stage 1's encoder models are end-to-end models too, but trained data-parallel: their own kind.
        Dataset<Row> curves = ok.withColumn("kind", when(col("stage").equalTo("encoder"), lit("shared_encoder")).otherwise(col("kind")))
                .groupBy("sweep_id", "dataset", "rate_bits", "mode", "kind", "lambda")
                .agg(first("encoder_lambda").as("encoder_lambda"), countDistinct("seed").cast("int").as("seeds"),
                        avg("mse").as("mse"), coalesce(stddev_pop("mse"), lit(0.0)).as("mse_std"),
                        avg("ce").as("ce"), coalesce(stddev_pop("ce"), lit(0.0)).as("ce_std"),
                        avg("accuracy").as("accuracy"), coalesce(stddev_pop("accuracy"), lit(0.0)).as("accuracy_std"),
                        avg("w1").as("w1"), coalesce(stddev_pop("w1"), lit(0.0)).as("w1_std"))
                .orderBy("sweep_id", "dataset", "rate_bits", "mode", "kind", "lambda");
        List<CurvePoint> points = new ArrayList<>();
        for (Row r : curves.collectAsList()) {
            points.add(new CurvePoint(r.getString(0), r.getString(1), r.getDouble(2), r.getString(3), r.getString(4), r.getDouble(5),
                    r.getDouble(6), r.getInt(7), num(r, 8), num(r, 9), num(r, 10), num(r, 11), num(r, 12), num(r, 13), num(r, 14), num(r, 15)));
        }
        if (points.isEmpty()) throw new IOException("no ok runs in " + resultsRoots + (sweeps.isEmpty() ? "" : " for sweeps " + sweeps));
        List<Penalty> penalties = Penalties.of(points);

        spark.sparkContext().setJobDescription("report: write tables");
        curves.write().mode(SaveMode.Overwrite).parquet(HadoopFiles.join(out, "curves"));
        List<Row> rows = new ArrayList<>();
        for (Penalty p : penalties) {
            rows.add(org.apache.spark.sql.RowFactory.create(p.sweepId(), p.dataset(), p.rateBits(), p.mode(), p.lambda(), p.encoderLambda(),
                    p.level(), p.mse(), nullIfNaN(p.e2eMseAtLevel()), nullIfNaN(p.penaltyAtLevel()), nullIfNaN(p.e2eMseAtLambda()),
                    nullIfNaN(p.penaltyAtLambda()), nullIfNaN(p.e2eLevelAtLambda())));
        }
        spark.createDataFrame(rows, PENALTY_SCHEMA).write().mode(SaveMode.Overwrite).parquet(HadoopFiles.join(out, "penalties"));
        String html = HtmlReport.write(files, out, points, penalties);
        log.info("report: {} curve points, {} penalties -> {}", points.size(), penalties.size(), html);
        return new Result(points, penalties, html);
    }

    /** Columns of the penalties table (units: mse per pixel; level = CE in nats for rdc, W1 for rdp). */
    static final org.apache.spark.sql.types.StructType PENALTY_SCHEMA = new org.apache.spark.sql.types.StructType()
            .add("sweep_id", "string").add("dataset", "string").add("rate_bits", "double").add("mode", "string")
            .add("lambda", "double").add("encoder_lambda", "double").add("level", "double").add("mse", "double")
            .add("e2e_mse_at_level", "double").add("penalty_at_level", "double").add("e2e_mse_at_lambda", "double")
            .add("penalty_at_lambda", "double").add("e2e_level_at_lambda", "double");

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double num(Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
    }

}
