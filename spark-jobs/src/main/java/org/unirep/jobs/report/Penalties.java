package org.unirep.jobs.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Penalties of universal points against the end-to-end curve of the same sweep, dataset, rate and mode. */
public final class Penalties {
    private Penalties() {}

    public static List<Penalty> of(List<CurvePoint> curves) {
        Map<String, List<CurvePoint>> groups = curves.stream().collect(Collectors.groupingBy(
                p -> p.sweepId() + "|" + p.dataset() + "|" + p.rateBits() + "|" + p.mode()));
        List<Penalty> out = new ArrayList<>();
        for (List<CurvePoint> g : groups.values()) {
            List<CurvePoint> e2e = g.stream().filter(p -> "end_to_end".equals(p.kind()) && Double.isFinite(p.level()))
                    .sorted(Comparator.comparingDouble(CurvePoint::level)).toList();
            for (CurvePoint u : g.stream().filter(CurvePoint::universal).sorted(Comparator.comparingDouble(CurvePoint::lambda)).toList()) {
                double atLevel = interpolate(e2e, u.level());
                CurvePoint same = g.stream().filter(p -> "end_to_end".equals(p.kind()) && p.lambda() == u.lambda()).findFirst().orElse(null);
                double atLambda = same == null ? Double.NaN : same.mse();
                out.add(new Penalty(u.sweepId(), u.dataset(), u.rateBits(), u.mode(), u.lambda(), u.encoderLambda(), u.level(), u.mse(),
                        atLevel, u.mse() - atLevel, atLambda, u.mse() - atLambda, same == null ? Double.NaN : same.level()));
            }
        }
        out.sort(Comparator.comparing(Penalty::sweepId).thenComparing(Penalty::dataset).thenComparingDouble(Penalty::rateBits)
                .thenComparing(Penalty::mode).thenComparingDouble(Penalty::lambda));
        return out;
    }

    /** MSE of the end-to-end curve (sorted by level) at {@code level}; NaN outside its range. */
    static double interpolate(List<CurvePoint> e2e, double level) {
        if (e2e.isEmpty() || !Double.isFinite(level)) return Double.NaN;
        for (int i = 0; i < e2e.size(); i++) {
            CurvePoint b = e2e.get(i);
            if (b.level() == level) return b.mse();
            if (b.level() > level) {
                if (i == 0) return Double.NaN;
                CurvePoint a = e2e.get(i - 1);
                double t = (level - a.level()) / (b.level() - a.level());
                return a.mse() + t * (b.mse() - a.mse());
            }
        }
        return Double.NaN;
    }
}
