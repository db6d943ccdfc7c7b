package org.unirep.jobs.report;

import java.awt.Color;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's figures, drawn the same way by the report ({@link HtmlReport}) and the notebooks: for
 * one sweep, dataset and mode, every rate in its own colour; end-to-end models as circles joined by a
 * line, universal decoders as diamonds, the shared encoder of stage 1 as a square; error bars are
 * the standard deviation over seeds.
 */
public final class Figures {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b)};

    private Figures() {}

    /** The axis title of a mode's level. */
    public static String levelTitle(String mode) {
        return "rdp".equals(mode) ? "W1 (critic estimate)" : "CE of the classifier on x^ (nats)";
    }

    /** Distortion (MSE) against the level (rdc: CE, rdp: W1) of one mode's points. */
    public static XYChart tradeoff(String title, List<CurvePoint> points) {
        String mode = points.isEmpty() ? "rdc" : points.get(0).mode();
        XYChart c = chart(title, levelTitle(mode), "MSE per pixel");
        addSeries(c, points, CurvePoint::level, CurvePoint::mse, CurvePoint::mseStd);
        return c;
    }

    /** The classifier's accuracy on the reconstructions against their distortion (rdc). */
    public static XYChart accuracy(String title, List<CurvePoint> points) {
        XYChart c = chart(title, "MSE per pixel", "accuracy of the classifier on x^");
        addSeries(c, points, CurvePoint::mse, CurvePoint::accuracy, CurvePoint::accuracyStd);
        return c;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(760).height(480).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(LegendPosition.OutsideE);
        c.getStyler().setMarkerSize(9);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        // XChart prints ticks with every digit of the data's range (0.082819494483459): four decimals at most.
        c.getStyler().setXAxisDecimalPattern("0.0###");
        c.getStyler().setYAxisDecimalPattern("0.0###");
        return c;
    }

    private static void addSeries(XYChart c, List<CurvePoint> ps, ToDoubleFunction<CurvePoint> x, ToDoubleFunction<CurvePoint> y,
                                  ToDoubleFunction<CurvePoint> yStd) {
        TreeSet<Double> rates = new TreeSet<>();
        ps.forEach(p -> rates.add(p.rateBits()));
        int i = 0;
        for (double rate : rates) {
            Color color = COLORS[i++ % COLORS.length];
            for (String kind : List.of(CurvePoint.END_TO_END, CurvePoint.UNIVERSAL, CurvePoint.SHARED_ENCODER)) {
                List<CurvePoint> s = ps.stream().filter(p -> p.rateBits() == rate && p.kind().equals(kind))
                        .filter(p -> Double.isFinite(x.applyAsDouble(p)) && Double.isFinite(y.applyAsDouble(p)))
                        .sorted(Comparator.comparingDouble(x)).toList();
                if (s.isEmpty()) continue;
                XYSeries series = c.addSeries(String.format("%.2f bits %s", rate, kind.replace('_', ' ')),
                        s.stream().mapToDouble(x).toArray(), s.stream().mapToDouble(y).toArray(),
                        s.stream().mapToDouble(p -> Double.isFinite(yStd.applyAsDouble(p)) ? yStd.applyAsDouble(p) : 0).toArray());
                series.setLineColor(color);
                series.setMarkerColor(color);
                switch (kind) {
                    case CurvePoint.END_TO_END -> {
                        series.setMarker(SeriesMarkers.CIRCLE);
                        series.setMarkerColor(color.brighter());
                        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
                    }
                    case CurvePoint.UNIVERSAL -> {
                        series.setMarker(SeriesMarkers.DIAMOND);
                        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                    }
                    default -> {
                        series.setMarker(SeriesMarkers.SQUARE);
                        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                    }
                }
            }
        }
    }
}
