package org.unirep.jobs.report;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.unirep.io.HadoopFiles;

/**
 * The paper's figures as one HTML page (XChart): per sweep, dataset and mode, distortion against
 * classification (CE) or perception (W1) with every rate on one chart, end-to-end points as a
 * line with hollow-looking circle markers and universal points as diamonds beside them; accuracy
 * against distortion (rdc); then the penalty table.
 */
final class HtmlReport {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b)};

    private HtmlReport() {}

    static String write(HadoopFiles files, String out, List<CurvePoint> points, List<Penalty> penalties) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<CurvePoint>> panels = new LinkedHashMap<>();
        for (CurvePoint p : points) panels.computeIfAbsent(p.sweepId() + " / " + p.dataset() + " / " + p.mode(), k -> new ArrayList<>()).add(p);
        StringBuilder html = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>unirep report</title>
                <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}
                td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}</style></head><body>
                <h1>Universal representations: distortion vs classification / perception</h1>
                <p>End-to-end models: circles joined by a line; universal decoders (one frozen encoder per rate and mode): diamonds.
                Metrics: test split, mean of each run's last min(3, epochs) epochs, averaged over seeds. MSE per pixel (pixels in [0,1]);
                CE of the frozen classifier on the reconstruction in nats; W1 the critic's estimate.</p>
                """);
        int fig = 0;
        for (Map.Entry<String, List<CurvePoint>> panel : panels.entrySet()) {
            List<CurvePoint> ps = panel.getValue();
            boolean rdp = "rdp".equals(ps.get(0).mode());
            html.append("<h2>").append(esc(panel.getKey())).append("</h2>\n");
            XYChart tradeoff = chart("Distortion vs " + (rdp ? "perception" : "classification") + ": " + panel.getKey(),
                    rdp ? "W1 (critic estimate)" : "CE of the classifier on x^ (nats)", "MSE per pixel");
            addSeries(tradeoff, ps, rdp ? CurvePoint::w1 : CurvePoint::ce, CurvePoint::mse);
            html.append(figure(files, out, "fig" + (++fig), tradeoff));
            if (!rdp) {
                XYChart acc = chart("Accuracy vs distortion: " + panel.getKey(), "MSE per pixel", "accuracy of the classifier on x^");
                addSeries(acc, ps, CurvePoint::mse, CurvePoint::accuracy);
                html.append(figure(files, out, "fig" + (++fig), acc));
            }
            html.append(curveTable(ps));
        }
        html.append("<h2>Penalties of universal decoders</h2>\n<p>penalty at level: universal MSE minus the end-to-end curve's MSE at the "
                + "same CE (rdc) / W1 (rdp), by linear interpolation (empty outside the curve); penalty at lambda: minus the end-to-end "
                + "model's MSE at the same lambda.</p>\n<table><tr><th>sweep</th><th>dataset</th><th>rate (bits)</th><th>mode</th>"
                + "<th>lambda</th><th>encoder lambda</th><th>level</th><th>MSE</th><th>e2e MSE at level</th><th>penalty at level</th>"
                + "<th>e2e MSE at lambda</th><th>penalty at lambda</th></tr>\n");
        for (Penalty p : penalties) {
            html.append("<tr><td>").append(esc(p.sweepId())).append("</td><td>").append(p.dataset()).append("</td><td>")
                    .append(f(p.rateBits(), 3)).append("</td><td>").append(p.mode()).append("</td><td>").append(p.lambda())
                    .append("</td><td>").append(p.encoderLambda()).append("</td><td>").append(f(p.level(), 4)).append("</td><td>")
                    .append(f(p.mse(), 5)).append("</td><td>").append(f(p.e2eMseAtLevel(), 5)).append("</td><td>")
                    .append(f(p.penaltyAtLevel(), 5)).append("</td><td>").append(f(p.e2eMseAtLambda(), 5)).append("</td><td>")
                    .append(f(p.penaltyAtLambda(), 5)).append("</td></tr>\n");
        }
        html.append("</table></body></html>\n");
        String path = HadoopFiles.join(out, "report.html");
        files.writeString(path, html.toString());
        return path;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(760).height(480).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        // XChart prints ticks with every digit of the data's range (0.082819494483459): four decimals at most.
        c.getStyler().setXAxisDecimalPattern("0.0###");
        c.getStyler().setYAxisDecimalPattern("0.0###");
        return c;
    }

    private static void addSeries(XYChart c, List<CurvePoint> ps, java.util.function.ToDoubleFunction<CurvePoint> x,
                                  java.util.function.ToDoubleFunction<CurvePoint> y) {
        TreeSet<Double> rates = new TreeSet<>();
        ps.forEach(p -> rates.add(p.rateBits()));
        int i = 0;
        for (double rate : rates) {
            Color color = COLORS[i++ % COLORS.length];
            for (String kind : List.of("end_to_end", "universal")) {
                List<CurvePoint> s = ps.stream().filter(p -> p.rateBits() == rate && p.kind().equals(kind))
                        .filter(p -> Double.isFinite(x.applyAsDouble(p)) && Double.isFinite(y.applyAsDouble(p)))
                        .sorted(java.util.Comparator.comparingDouble(x)).toList();
                if (s.isEmpty()) continue;
                XYSeries series = c.addSeries(String.format("%.2f bits %s", rate, kind.replace('_', '-')),
                        s.stream().mapToDouble(x).toArray(), s.stream().mapToDouble(y).toArray());
                series.setLineColor(color);
                series.setMarkerColor(kind.equals("universal") ? color : Color.WHITE);
                series.setMarker(kind.equals("universal") ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
                if (kind.equals("universal")) series.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
                else {
                    series.setMarkerColor(color.brighter());
                    series.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
                }
            }
        }
    }

    /** Writes figures/NAME.png and .svg; returns an img tag with the PNG inlined. */
    private static String figure(HadoopFiles files, String out, String name, XYChart chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        files.writeAtomically(HadoopFiles.join(out, "figures/" + name + ".png"), png);
        File svg = File.createTempFile(name, ".svg");
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, svg.getPath(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            files.writeAtomically(HadoopFiles.join(out, "figures/" + name + ".svg"), Files.readAllBytes(svg.toPath()));
        } finally {
            svg.delete();
        }
        return "<p><img alt=\"" + esc(chart.getTitle()) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\"></p>\n";
    }

    private static String curveTable(List<CurvePoint> ps) {
        StringBuilder t = new StringBuilder("<table><tr><th>rate (bits)</th><th>kind</th><th>lambda</th><th>seeds</th><th>MSE</th>"
                + "<th>&plusmn;</th><th>CE</th><th>accuracy</th><th>W1</th></tr>\n");
        for (CurvePoint p : ps) {
            t.append("<tr><td>").append(f(p.rateBits(), 3)).append("</td><td>").append(p.kind()).append("</td><td>").append(p.lambda())
                    .append("</td><td>").append(p.seeds()).append("</td><td>").append(f(p.mse(), 5)).append("</td><td>")
                    .append(f(p.mseStd(), 5)).append("</td><td>").append(f(p.ce(), 4)).append("</td><td>").append(f(p.accuracy(), 4))
                    .append("</td><td>").append(f(p.w1(), 4)).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String f(double v, int digits) {
        return Double.isFinite(v) ? String.format("%." + digits + "f", v) : "";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
