package org.unirep.jobs.report;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.IdxDataset;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsTables;

/**
 * The report: reads the runs tables of one or more results roots (optionally some sweeps only)
 * and writes, under {@code out}: {@code curves/} and {@code penalties/} (Parquet: the views of
 * {@link SqlViews}, the notebooks' SQL) and {@code report.html} with its figures
 * ({@code figures/*.png|svg}; the HTML embeds the PNGs, so it is self-contained).
 */
public final class ReportJob {
    private static final Logger log = LoggerFactory.getLogger(ReportJob.class);

    private ReportJob() {}

    public record Result(List<CurvePoint> curves, List<Penalty> penalties, String html) {}

    public static Result entryPoint(SparkSession spark, List<String> resultsRoots, List<String> sweeps, String out) throws IOException {
        return entryPoint(spark, resultsRoots, sweeps, out, null);
    }

    /**
     * As above; with {@code images} (the IDX files of the runs' dataset, as {@code unirep fetch} writes
     * them) the page also shows each model's reconstructions of the first test digits.
     */
    public static Result entryPoint(SparkSession spark, List<String> resultsRoots, List<String> sweeps, String out, String images)
            throws IOException {
        return entryPoint(spark, resultsRoots, sweeps, out, images, HtmlReport.MAX_RECONSTRUCTIONS);
    }

    /** As above, drawing at most {@code maxReconstructions} models' reconstructions per panel. */
    public static Result entryPoint(SparkSession spark, List<String> resultsRoots, List<String> sweeps, String out, String images,
                                    int maxReconstructions) throws IOException {
        HadoopFiles files = HadoopFiles.of(JavaSparkContext.fromSparkContext(spark.sparkContext()).hadoopConfiguration());
        // Bad --images fails here, before any table is written.
        LabeledImages test = images == null ? null : IdxDataset.load(files, images, Split.TEST).head(Reconstructions.DIGITS);
        // A session of its own (same SparkContext): its views must not replace those of the caller (a notebook, a test).
        SparkSession views = spark.newSession();
        // A results table holds a row per trained model: a few partitions, not the default 200 tasks per join, and
        // no code generation (compiling the plans took longer than running them; one run each on a 6-model sweep: 76 s with, 53 s without).
        views.conf().set("spark.sql.shuffle.partitions", "4");
        views.conf().set("spark.sql.codegen.wholeStage", "false");
        views.conf().set("spark.sql.adaptive.enabled", "false");
        Dataset<Row> runs = null;
        for (String root : resultsRoots) {
            Dataset<Row> r = ResultsTables.open(views, files, new ResultsLayout(root), ResultsLayout.RUNS);
            runs = runs == null ? r : runs.unionByName(r);
        }
        if (runs == null) throw new IOException("no runs in " + resultsRoots);
        if (!sweeps.isEmpty()) runs = runs.filter(col("sweep_id").isin(sweeps.toArray()));
        runs.createOrReplaceTempView("runs");
        spark.sparkContext().setJobDescription("report: curves");
        SqlViews.create(views, SqlViews.CURVES);
        SqlViews.create(views, SqlViews.PENALTIES);
        views.catalog().cacheTable("curves"); // read by the penalties view (four times) and written: computed once
        views.catalog().cacheTable("penalties"); // collected and written
        try {
            Dataset<Row> curves = views.table("curves").orderBy("sweep_id", "dataset", "rate_bits", "mode", "kind", "lambda");
            Dataset<Row> penalties = views.table("penalties").orderBy("sweep_id", "dataset", "rate_bits", "mode", "lambda");
            List<CurvePoint> points = CurvePoint.all(curves);
            if (points.isEmpty()) throw new IOException("no ok runs in " + resultsRoots + (sweeps.isEmpty() ? "" : " for sweeps " + sweeps));
            List<Penalty> pens = penalties.collectAsList().stream().map(Penalty::of).toList();

            spark.sparkContext().setJobDescription("report: write tables");
            curves.write().mode(SaveMode.Overwrite).parquet(HadoopFiles.join(out, "curves"));
            penalties.write().mode(SaveMode.Overwrite).parquet(HadoopFiles.join(out, "penalties"));
            String html = HtmlReport.write(files, out, points, pens, test, maxReconstructions);
            log.info("report: {} curve points, {} penalties -> {}", points.size(), pens.size(), html);
            return new Result(points, pens, html);
        } finally {
            views.catalog().uncacheTable("penalties");
            views.catalog().uncacheTable("curves");
        }
    }
}
