package org.unirep.compression;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DitheredQuantizerTest {

    @Test
    void levelsAreEvenlySpacedInMinusOneOne() {
        DitheredQuantizer q3 = new DitheredQuantizer(3, 1, 0);
        assertArrayEquals(new float[] {-1, 0, 1}, new float[] {q3.level(0), q3.level(1), q3.level(2)}, 1e-7f);
        DitheredQuantizer q4 = new DitheredQuantizer(4, 1, 0);
        assertArrayEquals(new float[] {-1, -1f / 3, 1f / 3, 1}, new float[] {q4.level(0), q4.level(1), q4.level(2), q4.level(3)}, 1e-6f);
        assertEquals(2.0 / 3, q4.alpha(), 1e-12);
    }

    @Test
    void ditherIsUniformInHalfBinAndReproducibleFromTheSeed() {
        double alpha = 1.0; // L = 3
        float[] u = SharedDither.generate(5, 17, 2000, 5, alpha);
        double mean = 0, min = 1, max = -1;
        for (float v : u) {
            mean += v / u.length;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -alpha / 2 && max < alpha / 2, min + " " + max);
        assertTrue(max - min > 0.99 * alpha, "covers the bin");
        assertEquals(0, mean, 0.01);
        assertArrayEquals(u, SharedDither.generate(5, 17, 2000, 5, alpha));
        assertFalse(java.util.Arrays.equals(u, SharedDither.generate(5, 18, 2000, 5, alpha)));
        assertFalse(java.util.Arrays.equals(u, SharedDither.generate(6, 17, 2000, 5, alpha)));
    }

    @Test
    void inferenceOutputIsDiscreteAndTheReceiverRebuildsItFromSeedAndKey() {
        DitheredQuantizer q = new DitheredQuantizer(4, 1, 99);
        INDArray y = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 64, 3).muli(2).subi(1);
        float[] yv = y.dup().data().asFloat();
        q.setKey(7);
        float[] out = q.getActivation(y.dup(), false).data().asFloat();
        // Sender: indices of y + u (what is transmitted). Receiver: level(index) - u, u from (seed, key).
        float[] u = SharedDither.generate(99, 7, 64, 3, q.alpha());
        int[] idx = q.indices(yv, u);
        for (int i = 0; i < out.length; i++) {
            assertEquals(q.level(idx[i]) - u[i], out[i], 1e-6, "entry " + i);
            // discrete: out + u is exactly a level
            double k = (out[i] + u[i] + 1) / q.alpha();
            assertEquals(Math.round(k), k, 1e-5);
            assertTrue(Math.abs(out[i] + u[i] - (yv[i] + u[i])) <= q.alpha() / 2 + 1e-6 || idx[i] == 0 || idx[i] == 3);
        }
        q.setKey(7);
        assertArrayEquals(out, q.getActivation(y.dup(), false).data().asFloat());
    }

    @Test
    void trainingIsHardToo_withFreshDitherEachCall() {
        DitheredQuantizer q = new DitheredQuantizer(3, 1, 1);
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 2).addi(0.3);
        float[] a = q.getActivation(y.dup(), true).data().asFloat();
        float[] b = q.getActivation(y.dup(), true).data().asFloat();
        assertFalse(java.util.Arrays.equals(a, b));
        for (float v : a) assertTrue(Math.abs(v - 0.3) <= 0.5 + 1e-6, "error within half a bin: " + v);
    }

    @Test
    void softToHardGradientMatchesFiniteDifferences() {
        DitheredQuantizer q = new DitheredQuantizer(4, 1, 3);
        INDArray y = Nd4j.createFromArray(new float[][] {{-0.9f, -0.2f, 0.05f}, {0.4f, 0.8f, 0.99f}});
        q.getActivation(y.dup(), true); // stores the dither used
        float[] u = SharedDither.generate(3, 1L << 40, 2, 3, q.alpha());
        INDArray g = q.backprop(y.dup(), Nd4j.onesLike(y)).getFirst();
        float[] yv = y.data().asFloat();
        for (int i = 0; i < yv.length; i++) {
            double h = 1e-4, x = yv[i] + u[i];
            double numeric = (soft(q, x + h) - soft(q, x - h)) / (2 * h);
            assertEquals(numeric, g.data().asFloat()[i], 1e-4, "entry " + i);
            assertTrue(numeric > 0, "soft quantiser is increasing");
        }
    }

    private static double soft(DitheredQuantizer q, double x) {
        double z = 0, s = 0;
        for (int c = 0; c < q.getLevels(); c++) z += Math.exp(-q.getSigma() * Math.abs(x - q.level(c)));
        for (int c = 0; c < q.getLevels(); c++) s += q.level(c) * Math.exp(-q.getSigma() * Math.abs(x - q.level(c))) / z;
        return s;
    }

    @Test
    void refusesFewerThanTwoLevels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DitheredQuantizer(1, 1, 0));
        assertEquals("quantizer levels L = 1, expected >= 2", e.getMessage());
    }
}
