package org.unirep.training;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ScheduleTest {

    @Test
    void aFullMnistEpochHas469CriticAnd469GeneratorSteps() {
        int minibatches = (60_000 + 63) / 64;
        long critic = 0, generator = 0;
        for (int i = 0; i < minibatches; i++) {
            if (Schedule.isCriticStep(i)) critic++; else generator++;
        }
        assertEquals(938, minibatches);
        assertEquals(469, critic);
        assertEquals(469, generator);
        assertTrue(Schedule.isCriticStep(0), "the reference starts with a critic step (i % 2 != 1)");
        assertFalse(Schedule.isCriticStep(1));
    }

    @Test
    void learningRateFactorsAndTheLambdaZeroAnneal() {
        assertEquals(1.0, Schedule.lrFactor(19));
        assertEquals(0.2, Schedule.lrFactor(20));
        assertEquals(0.2, Schedule.lrFactor(39));
        assertEquals(0.02, Schedule.lrFactor(40));
        assertEquals(0.0005, Schedule.lambda(0, 0), 1e-15);
        assertEquals(0.0005 * 9 / 12, Schedule.lambda(0, 3), 1e-15);
        assertEquals(0.0005 / 12, Schedule.lambda(0, 11), 1e-15);
        assertEquals(0.0, Schedule.lambda(0, 12));
        assertEquals(0.0, Schedule.lambda(0, 29));
        assertEquals(0.015, Schedule.lambda(0.015, 3), "no anneal at lambda > 0");
        assertEquals(0.0, Schedule.lambda(0, 0, true), "nor for a universal decoder (train_reduced: lambda constant)");
        assertEquals(0.0005, Schedule.lambda(0, 0, false), 1e-15);
    }

    @Test
    void stepRandomnessIsFreshPerStepAndEpochAndTheSameForTheSameSeed() {
        Seeds s = new Seeds(7);
        INDArray u = Seeds.dither(s.step(2, 5), 64, 3, 1.0);
        assertEquals(u, Seeds.dither(new Seeds(7).step(2, 5), 64, 3, 1.0));
        assertNotEquals(u, Seeds.dither(s.step(2, 6), 64, 3, 1.0));
        assertNotEquals(u, Seeds.dither(s.step(3, 5), 64, 3, 1.0));
        assertNotEquals(u, Seeds.dither(new Seeds(8).step(2, 5), 64, 3, 1.0));
        assertNotEquals(s.shuffle(0), s.shuffle(1));
        // u ~ U[-alpha/2, alpha/2): mean 0, spans the bin
        INDArray big = Seeds.dither(new SplittableRandom(1), 4000, 5, 0.5);
        assertTrue(big.minNumber().doubleValue() >= -0.25 && big.maxNumber().doubleValue() < 0.25);
        assertTrue(big.maxNumber().doubleValue() - big.minNumber().doubleValue() > 0.49);
        assertEquals(0, big.meanNumber().doubleValue(), 0.005);
        INDArray eps = Seeds.mixing(new SplittableRandom(2), 1000);
        assertArrayEquals(new long[] {1000, 1, 1, 1}, eps.shape());
        assertTrue(eps.minNumber().doubleValue() >= 0 && eps.maxNumber().doubleValue() < 1);
    }
}
