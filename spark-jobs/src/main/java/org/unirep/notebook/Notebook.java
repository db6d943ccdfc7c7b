package org.unirep.notebook;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.report.CurvePoint;
import org.unirep.jobs.report.Figures;
import org.unirep.jobs.report.SqlViews;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsTables;
import org.unirep.spark.SparkSessions;

/**
 * What a notebook cell calls: the Spark session, the results root, and rich output (tables as HTML,
 * XChart charts as PNG) sent to the Jupyter front end; plus {@link #check}, so that a notebook run
 * headless fails when its numbers are wrong rather than only when its code is.
 */
public final class Notebook {
    private static volatile Consumer<DisplayData> sink = d -> System.out.println(d.getData(MIMEType.TEXT_PLAIN));  // outside a kernel
    private static volatile SparkSession spark;

    private Notebook() {}

    static void displayWith(Consumer<DisplayData> displaySink) {
        sink = displaySink;
    }

    /**
     * The results root the notebooks read: $UNIREP_RESULTS (or -Dunirep.results), else the quickstart's
     * under the checkout.
     */
    public static String results() {
        String r = setting("unirep.results", "UNIREP_RESULTS");
        if (r != null) return r;
        return Path.of(home(), "work-dirs", "quickstart", "results").toAbsolutePath().normalize().toString();
    }

    /** The checkout the kernel runs from: $UNIREP_HOME (set by notebooks/install-kernel; or -Dunirep.home), else the working directory. */
    static String home() {
        String h = setting("unirep.home", "UNIREP_HOME");
        return h == null ? "." : h;
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property, System.getenv(env));
        return v == null || v.isBlank() ? null : v;
    }

    /** One Spark session per kernel: local[*] unless spark.master is set (e.g. through UNIREP_JAVA_OPTS). */
    public static synchronized SparkSession spark() {
        if (spark == null) spark = SparkSessions.getOrCreate("unirep-notebook", "local[*]");
        return spark;
    }

    /** Registers the results root's runs and metrics tables as the views {@code runs} and {@code metrics}. */
    public static void openResults(String root) throws IOException {
        SparkSession s = spark();
        HadoopFiles files = HadoopFiles.of(s.sparkContext().hadoopConfiguration());
        for (String table : List.of("runs", "metrics")) {
            String path = HadoopFiles.join(root, table);
            if (!files.exists(path)) {
                throw new IllegalArgumentException(path + " not found: " + root + " holds no sweep results (set UNIREP_RESULTS to a "
                        + "sweep's results root before starting the kernel, or run bin/quickstart)");
            }
            ResultsTables.open(s, files, new ResultsLayout(root), table).createOrReplaceTempView(table);
        }
    }

    /**
     * Creates the views of {@code notebooks/sql/NAME} ({@link SqlViews}: the same SQL the report job runs),
     * printing the file first so that the executed notebook shows its SQL.
     */
    public static void sqlFile(String name) {
        System.out.println(SqlViews.text(name).strip());
        SqlViews.create(spark(), name);
    }

    /** The rows of the {@code curves} view (after {@code sqlFile("curves.sql")}) that {@code where} selects, for {@link Figures}. */
    public static List<CurvePoint> curvePoints(String where) {
        return CurvePoint.all(spark().table("curves").where(where).orderBy("rate_bits", "kind", "lambda"));
    }

    /** Shows up to 50 rows of a query result as a table. */
    public static void show(Dataset<Row> df) {
        show(df, 50);
    }

    public static void show(Dataset<Row> df, int maxRows) {
        List<Row> rows = df.limit(maxRows + 1).collectAsList();
        String[] cols = df.columns();
        StringBuilder html = new StringBuilder("<table><thead><tr>");
        StringBuilder text = new StringBuilder(String.join("\t", cols)).append('\n');
        for (String c : cols) html.append("<th>").append(esc(c)).append("</th>");
        html.append("</tr></thead><tbody>");
        for (int i = 0; i < Math.min(rows.size(), maxRows); i++) {
            Row r = rows.get(i);
            html.append("<tr>");
            for (int j = 0; j < cols.length; j++) {
                String v = format(r.get(j));
                html.append("<td>").append(esc(v)).append("</td>");
                text.append(j == 0 ? "" : "\t").append(v);
            }
            html.append("</tr>");
            text.append('\n');
        }
        html.append("</tbody></table>");
        String more = rows.size() > maxRows ? "(first " + maxRows + " rows)" : rows.size() + " rows";
        html.append("<p>").append(more).append("</p>");
        text.append(more);
        DisplayData d = new DisplayData(text.toString());
        d.putHTML(html.toString());
        sink.accept(d);
    }

    /** Shows a chart as a PNG image. */
    public static void show(Chart<?, ?> chart) {
        System.setProperty("java.awt.headless", "true");
        byte[] png;
        try {
            png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DisplayData d = new DisplayData(chart.getTitle());
        d.putData("image/png", Base64.getEncoder().encodeToString(png));
        sink.accept(d);
    }

    /** Fails the cell (and a headless run) with this message when {@code ok} is false. */
    public static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("check failed: " + what);
    }

    static synchronized void close() {
        if (spark != null) spark.stop();
        spark = null;
    }

    static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) return Double.toString(d);
            if (d == 0) return "0";
            String s = String.format(Locale.ROOT, "%.5g", d);  // 5 significant digits, trailing zeros dropped
            return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return v.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
