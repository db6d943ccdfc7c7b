package org.unirep.compression;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SoftToHardQuantizerTest {

    @Test
    void levelsAreEvenlySpacedInMinusOneOne() {
        SoftToHardQuantizer q3 = new SoftToHardQuantizer(3, 1);
        assertArrayEquals(new float[] {-1, 0, 1}, new float[] {q3.level(0), q3.level(1), q3.level(2)}, 1e-7f);
        SoftToHardQuantizer q4 = new SoftToHardQuantizer(4, 1);
        assertArrayEquals(new float[] {-1, -1f / 3, 1f / 3, 1}, new float[] {q4.level(0), q4.level(1), q4.level(2), q4.level(3)}, 1e-6f);
        assertEquals(2.0 / 3, q4.alpha(), 1e-12);
    }

    @Test
    void forwardIsTheNearestLevelInTrainingAndInference() {
        SoftToHardQuantizer q = new SoftToHardQuantizer(4, 1);
        float[] x = {-1.4f, -0.7f, -0.6f, 0.1f, 0.2f, 0.9f, 1.3f};
        float[] expected = {-1f, -1f, -1f / 3, 1f / 3, 1f / 3, 1f, 1f};
        for (boolean training : new boolean[] {true, false}) {
            INDArray out = q.getActivation(Nd4j.createFromArray(x).reshape(1, x.length), training);
            assertArrayEquals(expected, out.data().asFloat(), 1e-6f, "training=" + training);
        }
        assertArrayEquals(new float[] {0, 0, 1, 2, 2, 3, 3}, q.indices(Nd4j.createFromArray(x)).data().asFloat(), 0f);
    }

    @Test
    void softToHardGradientMatchesFiniteDifferences() {
        SoftToHardQuantizer q = new SoftToHardQuantizer(4, 1);
        INDArray x = Nd4j.createFromArray(new float[][] {{-0.9f, -0.2f, 0.05f}, {0.4f, 0.8f, 0.99f}});
        INDArray eps = Nd4j.createFromArray(new float[][] {{1f, 2f, 1f}, {1f, 0.5f, 1f}});
        float[] g = q.backprop(x.dup(), eps).getFirst().data().asFloat();
        float[] xv = x.data().asFloat(), ev = eps.data().asFloat();
        for (int i = 0; i < xv.length; i++) {
            double h = 1e-4;
            double numeric = (soft(q, xv[i] + h) - soft(q, xv[i] - h)) / (2 * h);
            assertTrue(numeric > 0, "soft quantiser is increasing");
            assertEquals(ev[i] * numeric, g[i], 1e-4, "entry " + i);
        }
    }

    private static double soft(SoftToHardQuantizer q, double x) {
        double z = 0, s = 0;
        for (int c = 0; c < q.getLevels(); c++) z += Math.exp(-q.getSigma() * Math.abs(x - q.level(c)));
        for (int c = 0; c < q.getLevels(); c++) s += q.level(c) * Math.exp(-q.getSigma() * Math.abs(x - q.level(c))) / z;
        return s;
    }

    @Test
    void refusesFewerThanTwoLevels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SoftToHardQuantizer(1, 1));
        assertEquals("quantizer levels L = 1, expected >= 2", e.getMessage());
    }
}
