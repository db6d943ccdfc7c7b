package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unirep.spark.LocalSpark;

/**
 * notebooks/sql/penalties.sql on hand-made curves: the end-to-end curve read at a universal decoder's
 * level inside its range only, linear between points; the same-lambda penalty; the encoder gap.
 */
class PenaltiesTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    /** A curves row of sweep s, mnist, 4.75 bits, rdc (CE = level), one seed. */
    static String point(String kind, double lambda, double ce, double mse) {
        String c = Double.isNaN(ce) ? "CAST(NULL AS DOUBLE)" : String.valueOf(ce);
        return String.format(Locale.ROOT, "('s', 'mnist', 4.75D, 'rdc', '%s', %sD, 0.015D, 1, %sD, 0D, %s, 0D, 0.9D, 0D, CAST(NULL AS DOUBLE), 0D)",
                kind, lambda, mse, c);
    }

    static final List<String> CURVE = List.of(point("end_to_end", 0.015, 0.1, 0.060), point("end_to_end", 0.0066, 0.3, 0.050),
            point("end_to_end", 0, 0.9, 0.044));

    /** The penalties of {@code universal} points against the given curves rows, ordered by lambda. */
    static List<Row> penalties(List<String> curve, String... universal) {
        List<String> rows = new ArrayList<>(curve);
        rows.addAll(List.of(universal));
        SPARK.session().sql("SELECT * FROM VALUES " + String.join(", ", rows) + " AS curves(sweep_id, dataset, rate_bits, mode, kind, lambda, "
                + "encoder_lambda, seeds, mse, mse_std, ce, ce_std, accuracy, accuracy_std, w1, w1_std)").createOrReplaceTempView("curves");
        SqlViews.create(SPARK.session(), SqlViews.PENALTIES);
        return SPARK.session().sql("SELECT * FROM penalties ORDER BY lambda").collectAsList();
    }

    static double at(Row r, String column) {
        return CurvePoint.num(r, column);
    }

    @Test
    void interpolatesLinearlyBetweenNeighbours() {
        List<Row> p = penalties(CURVE, point("universal", 0.001, 0.2, 0.058), point("universal", 0.002, 0.6, 0.050));
        assertEquals(0.055, at(p.get(0), "e2e_mse_at_level"), 1e-12);
        assertEquals(0.003, at(p.get(0), "penalty_at_level"), 1e-12);
        assertEquals(0.047, at(p.get(1), "e2e_mse_at_level"), 1e-12);
    }

    @Test
    void theEndsAreInsideTheRange() {
        List<Row> p = penalties(CURVE, point("universal", 0.001, 0.1, 0.07), point("universal", 0.002, 0.9, 0.07),
                point("universal", 0.003, 0.3, 0.07));
        assertEquals(0.060, at(p.get(0), "e2e_mse_at_level"), 0);
        assertEquals(0.044, at(p.get(1), "e2e_mse_at_level"), 0);
        assertEquals(0.050, at(p.get(2), "e2e_mse_at_level"), 0, "exactly on a point");
    }

    @Test
    void outsideTheRangeOrWithoutACurveIsNullNotAnExtrapolation() {
        List<Row> p = penalties(CURVE, point("universal", 0.001, 0.05, 0.07), point("universal", 0.002, 1.2, 0.07),
                point("universal", 0.003, Double.NaN, 0.07));
        assertTrue(Double.isNaN(at(p.get(0), "penalty_at_level")), "below the lowest level");
        assertTrue(Double.isNaN(at(p.get(1), "penalty_at_level")), "above the highest level");
        assertTrue(Double.isNaN(at(p.get(2), "penalty_at_level")), "no level (a run without that metric)");
        assertTrue(Double.isNaN(at(penalties(List.of(), point("universal", 0.001, 0.2, 0.07)).get(0), "penalty_at_level")),
                "no end-to-end curve");
        assertEquals(0.060, at(penalties(List.of(CURVE.get(0)), point("universal", 0.001, 0.1, 0.07)).get(0), "e2e_mse_at_level"), 0,
                "a one-point curve at its own level");
    }

    @Test
    void endToEndPointsAtOneLevelCountAsTheirLowestMse() {
        List<String> tied = List.of(CURVE.get(0), point("end_to_end", 0.004, 0.3, 0.052), CURVE.get(1), CURVE.get(2),
                point("end_to_end", 0.005, 0.3, 0.051));
        List<Row> p = penalties(tied, point("universal", 0.001, 0.2, 0.058), point("universal", 0.002, 0.3, 0.058),
                point("universal", 0.003, 0.6, 0.058));
        assertEquals(0.055, at(p.get(0), "e2e_mse_at_level"), 1e-12, "from (0.1, 0.060) to (0.3, 0.050), not 0.051 or 0.052");
        assertEquals(0.050, at(p.get(1), "e2e_mse_at_level"), 0, "exactly at the tied level");
        assertEquals(0.047, at(p.get(2), "e2e_mse_at_level"), 1e-12, "from (0.3, 0.050) to (0.9, 0.044)");
    }

    @Test
    void theSameLambdaPenaltyAndTheEncoderGap() {
        List<Row> p = penalties(CURVE, point("shared_encoder", 0.015, 0.1, 0.0612), point("universal", 0, 0.2, 0.058),
                point("universal", 0.001, 0.2, 0.058));
        assertEquals(0.014, at(p.get(0), "penalty_at_lambda"), 1e-12, "against the end-to-end model at lambda 0 (0.044)");
        assertTrue(Double.isNaN(at(p.get(1), "penalty_at_lambda")), "no end-to-end model at lambda 0.001");
        assertEquals(0.0612, at(p.get(0), "encoder_mse"), 1e-12);
        assertEquals(0.0012, at(p.get(0), "encoder_gap"), 1e-12, "the shared encoder against the end-to-end model at 0.015 (0.060)");
        assertTrue(Double.isNaN(at(penalties(CURVE, point("universal", 0, 0.2, 0.058)).get(0), "encoder_gap")), "no shared encoder");
    }
}
