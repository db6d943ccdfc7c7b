package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The end-to-end curve read at a universal decoder's level: inside its range only, linear between points. */
class PenaltiesTest {
    static CurvePoint e2e(double ce, double mse) {
        return new CurvePoint("s", "mnist", 4.75, "rdc", "end_to_end", 0, 0, 1, mse, 0, ce, 0, 0.9, 0, Double.NaN, 0);
    }

    static final List<CurvePoint> CURVE = List.of(e2e(0.1, 0.060), e2e(0.3, 0.050), e2e(0.9, 0.044)); // sorted by level

    @Test
    void interpolatesLinearlyBetweenNeighbours() {
        assertEquals(0.055, Penalties.interpolate(CURVE, 0.2), 1e-12);
        assertEquals(0.047, Penalties.interpolate(CURVE, 0.6), 1e-12);
    }

    @Test
    void theEndsAreInsideTheRange() {
        assertEquals(0.060, Penalties.interpolate(CURVE, 0.1), 0);
        assertEquals(0.044, Penalties.interpolate(CURVE, 0.9), 0);
        assertEquals(0.050, Penalties.interpolate(CURVE, 0.3), 0, "exactly on a point");
    }

    @Test
    void outsideTheRangeOrWithoutACurveIsNaNNotAnExtrapolation() {
        assertTrue(Double.isNaN(Penalties.interpolate(CURVE, 0.05)), "below the lowest level");
        assertTrue(Double.isNaN(Penalties.interpolate(CURVE, 1.2)), "above the highest level");
        assertTrue(Double.isNaN(Penalties.interpolate(List.of(), 0.2)), "no end-to-end curve");
        assertTrue(Double.isNaN(Penalties.interpolate(CURVE, Double.NaN)), "no level (a run without that metric)");
        assertEquals(0.060, Penalties.interpolate(List.of(e2e(0.1, 0.060)), 0.1), 0, "a one-point curve at its own level");
    }
}
