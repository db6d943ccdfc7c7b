package org.unirep.jobs.report;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;

/**
 * The paper's figures as one HTML page: a summary of the penalties per sweep, dataset, mode and rate;
 * then per sweep, dataset and mode the {@link Figures} (distortion against classification or
 * perception, and accuracy against distortion for rdc) with the curve's numbers; then every penalty.
 */
public final class HtmlReport { // public for MAX_RECONSTRUCTIONS (the CLI's default); write stays package-private
    private HtmlReport() {}

    /** The most models whose reconstructions a panel shows by default (the grid grows with every row). */
    public static final int MAX_RECONSTRUCTIONS = 24;

    /**
     * {@code test}: digits to show each model's reconstructions of (null: none); at most
     * {@code maxReconstructions} models per panel (>= 1; {@link Reconstructions#pick} chooses them).
     */
    static String write(HadoopFiles files, String out, List<CurvePoint> points, List<Penalty> penalties, LabeledImages test,
                        int maxReconstructions) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<CurvePoint>> panels = new LinkedHashMap<>();
        for (CurvePoint p : points) panels.computeIfAbsent(p.sweepId() + " / " + p.dataset() + " / " + p.mode(), k -> new ArrayList<>()).add(p);
        StringBuilder html = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>unirep report</title>
                <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}
                td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}</style></head><body>
                <h1>Universal representations: distortion vs classification / perception</h1>
                <p>End-to-end models: circles joined by a line; universal decoders (one frozen encoder per rate and mode): diamonds;
                the shared encoder itself (stage 1): a square. Error bars: standard deviation over seeds.
                Metrics: test split, mean of each run's last min(3, epochs) epochs, averaged over seeds. MSE per pixel (pixels in [0,1]);
                CE of the frozen classifier on the reconstruction in nats; W1 the critic's estimate.</p>
                """);
        html.append(summary(penalties));
        int fig = 0;
        for (Map.Entry<String, List<CurvePoint>> panel : panels.entrySet()) {
            List<CurvePoint> ps = panel.getValue();
            boolean rdp = "rdp".equals(ps.get(0).mode());
            html.append("<h2>").append(esc(panel.getKey())).append("</h2>\n");
            html.append(figure(files, out, "fig" + (++fig), Figures.tradeoff("Distortion vs " + (rdp ? "perception" : "classification")
                    + ": " + panel.getKey(), ps)));
            if (!rdp) html.append(figure(files, out, "fig" + (++fig), Figures.accuracy("Accuracy vs distortion: " + panel.getKey(), ps)));
            if (test != null) html.append(reconstructions(files, out, "recon" + (++fig), panel.getKey(), ps, test, maxReconstructions));
            html.append(curveTable(ps));
        }
        html.append("<h2>Penalties of universal decoders</h2>\n<p>penalty at level: universal MSE minus the end-to-end curve's MSE at the "
                + "same CE (rdc) / W1 (rdp), by linear interpolation (empty outside the curve); penalty at lambda: minus the end-to-end "
                + "model's MSE at the same lambda; encoder gap: the shared encoder's own MSE minus the end-to-end model's at the "
                + "encoder's lambda (what stage 1's data-parallel training costs).</p>\n<table><tr><th>sweep</th><th>dataset</th>"
                + "<th>rate (bits)</th><th>mode</th><th>lambda</th><th>encoder lambda</th><th>level</th><th>MSE</th><th>e2e MSE at level</th>"
                + "<th>penalty at level</th><th>e2e MSE at lambda</th><th>penalty at lambda</th><th>encoder gap</th></tr>\n");
        for (Penalty p : penalties) {
            html.append(row(esc(p.sweepId()), p.dataset(), f(p.rateBits(), 3), p.mode(), String.valueOf(p.lambda()),
                    String.valueOf(p.encoderLambda()), f(p.level(), 4), f(p.mse(), 5), f(p.e2eMseAtLevel(), 5), f(p.penaltyAtLevel(), 5),
                    f(p.e2eMseAtLambda(), 5), f(p.penaltyAtLambda(), 5), f(p.encoderGap(), 5)));
        }
        html.append("</table></body></html>\n");
        String path = HadoopFiles.join(out, "report.html");
        files.writeString(path, html.toString());
        return path;
    }

    /** A panel's reconstruction grid: at most {@code max} of its models (sorted by rate, kind, lambda), a caption saying how many. */
    private static String reconstructions(HadoopFiles files, String out, String name, String panel, List<CurvePoint> ps,
                                          LabeledImages test, int max) throws IOException {
        List<CurvePoint> models = ps.stream().sorted(Comparator.comparingDouble(CurvePoint::rateBits)
                .thenComparing(p -> KINDS.indexOf(p.kind())).thenComparingDouble(CurvePoint::lambda)).toList();
        List<CurvePoint> shown = Reconstructions.pick(models, max);
        String title = "Reconstructions of the first test digits: " + panel;
        String caption = title + ". " + shown.size() + " of " + models.size() + " models shown" + (shown.size() < models.size()
                ? " (evenly over each curve's lambdas, its ends kept; unirep report --max-reconstructions sets how many)" : "") + ".";
        return image(files, out, name, title, caption, Reconstructions.grid(files, test, shown));
    }

    /** Per sweep, dataset, mode and rate: the best and worst penalty, and the gap of the encoder the universal decoders share. */
    static String summary(List<Penalty> penalties) {
        if (penalties.isEmpty()) return "<p>No universal decoders in these results: no penalties.</p>\n";
        Map<String, List<Penalty>> groups = new LinkedHashMap<>();
        for (Penalty p : penalties) {
            groups.computeIfAbsent(esc(p.sweepId()) + "|" + p.dataset() + "|" + p.mode() + "|" + f(p.rateBits(), 3), k -> new ArrayList<>()).add(p);
        }
        StringBuilder t = new StringBuilder("<h2>Summary</h2>\n<p>Penalty = universal MSE minus end-to-end MSE (positive: the universal "
                + "decoder distorts more). Read each against the encoder gap: a penalty no larger than the gap may be stage 1's doing, "
                + "not the paper's effect.</p>\n<table><tr><th>sweep</th><th>dataset</th><th>mode</th><th>rate (bits)</th>"
                + "<th>universal points</th><th>best penalty at level</th><th>worst penalty at level</th><th>best penalty at lambda</th>"
                + "<th>worst penalty at lambda</th><th>encoder gap</th></tr>\n");
        for (Map.Entry<String, List<Penalty>> g : groups.entrySet()) {
            List<Penalty> ps = g.getValue();
            String[] key = g.getKey().split("\\|");
            t.append(row(key[0], key[1], key[2], key[3], String.valueOf(ps.size()), f(min(ps, Penalty::penaltyAtLevel), 5),
                    f(max(ps, Penalty::penaltyAtLevel), 5), f(min(ps, Penalty::penaltyAtLambda), 5), f(max(ps, Penalty::penaltyAtLambda), 5),
                    f(max(ps, Penalty::encoderGap), 5)));
        }
        return t.append("</table>\n").toString();
    }

    private static double min(List<Penalty> ps, ToDoubleFunction<Penalty> f) {
        return ps.stream().mapToDouble(f).filter(Double::isFinite).min().orElse(Double.NaN);
    }

    private static double max(List<Penalty> ps, ToDoubleFunction<Penalty> f) {
        return ps.stream().mapToDouble(f).filter(Double::isFinite).max().orElse(Double.NaN);
    }

    private static String row(String... cells) {
        StringBuilder r = new StringBuilder("<tr>");
        for (String c : cells) r.append("<td>").append(c).append("</td>");
        return r.append("</tr>\n").toString();
    }

    private static final List<String> KINDS = List.of(CurvePoint.END_TO_END, CurvePoint.UNIVERSAL, CurvePoint.SHARED_ENCODER);

    /** Writes figures/NAME.png; returns a figure with it inlined and its caption. */
    private static String image(HadoopFiles files, String out, String name, String title, String caption, byte[] png) throws IOException {
        files.writeAtomically(HadoopFiles.join(out, "figures/" + name + ".png"), png);
        return "<figure><img alt=\"" + esc(title) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\"><figcaption>" + esc(caption) + "</figcaption></figure>\n";
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
                + "<th>&plusmn;</th><th>CE</th><th>&plusmn;</th><th>accuracy</th><th>&plusmn;</th><th>W1</th><th>&plusmn;</th></tr>\n");
        for (CurvePoint p : ps) {
            t.append(row(f(p.rateBits(), 3), p.kind(), String.valueOf(p.lambda()), String.valueOf(p.seeds()), f(p.mse(), 5), f(p.mseStd(), 5),
                    f(p.ce(), 4), f(p.ceStd(), 4), f(p.accuracy(), 4), f(p.accuracyStd(), 4), f(p.w1(), 4), f(p.w1Std(), 4)));
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
