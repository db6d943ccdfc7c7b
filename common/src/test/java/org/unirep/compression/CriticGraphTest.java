package org.unirep.compression;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.testing.TestData;


class CriticGraphTest {

    @Test
    void referenceCriticHasTheSpecShapes() {
        SameDiff sd = CriticGraph.reference(1).sameDiff();
        assertArrayEquals(new long[] {5, 5, 1, 64}, sd.getVariable("conv1_w").getShape());
        assertArrayEquals(new long[] {5, 5, 128, 256}, sd.getVariable("conv3_w").getShape());
        assertArrayEquals(new long[] {4096, 1}, sd.getVariable("fc_w").getShape(), "256 x 4 x 4 after three stride-2 convs");
        Map<String, INDArray> in = inputs(DataType.FLOAT, 3, 7);
        Map<String, INDArray> out = CriticGraph.reference(1).evaluate(in.get(CriticGraph.REAL), in.get(CriticGraph.FAKE), in.get(CriticGraph.EPS),
                CriticGraph.GP, CriticGraph.W1);
        assertTrue(Double.isFinite(out.get(CriticGraph.GP).getDouble(0)));
    }

    /** The penalty's gradient (a second derivative of D) agrees with finite differences, in double precision. */
    @Test
    void gradientPenaltyGradientsMatchFiniteDifferences() {
        CriticGraph g = CriticGraph.create(new int[] {4, 3, 2}, 28, 10.0, 5L, DataType.DOUBLE);
        SameDiff sd = g.sameDiff();
        Map<String, INDArray> raw = inputs(DataType.DOUBLE, 2, 11);
        // The slopes at x~ are fixed by the weights; a perturbation of 1e-6 moves no pre-activation across 0.
        Map<String, INDArray> in = g.feed(raw.get(CriticGraph.REAL), raw.get(CriticGraph.FAKE), raw.get(CriticGraph.EPS));
        Map<String, INDArray> grads = sd.calculateGradients(in, "conv1_w", "conv2_w", "conv3_w", "fc_w");
        for (String v : new String[] {"conv1_w", "conv2_w", "conv3_w", "fc_w"}) {
            INDArray w = sd.getVariable(v).getArr();
            for (int k = 0; k < 4; k++) {
                long i = (k * 41L + 3) % w.length();
                double orig = w.getDouble(i), h = 1e-6;
                w.putScalar(i, orig + h);
                double up = sd.output(in, CriticGraph.LOSS).get(CriticGraph.LOSS).getDouble(0);
                w.putScalar(i, orig - h);
                double down = sd.output(in, CriticGraph.LOSS).get(CriticGraph.LOSS).getDouble(0);
                w.putScalar(i, orig);
                double numeric = (up - down) / (2 * h), analytic = grads.get(v).getDouble(i);
                assertEquals(numeric, analytic, 1e-5 * Math.max(1, Math.abs(numeric)), v + "[" + i + "]");
            }
        }
        // W1 estimate is mean D(x) - mean D(x^), and the loss is its negative plus 10 GP.
        Map<String, INDArray> out = sd.output(in, CriticGraph.LOSS, CriticGraph.W1, CriticGraph.GP);
        assertEquals(-out.get(CriticGraph.W1).getDouble(0) + 10 * out.get(CriticGraph.GP).getDouble(0),
                out.get(CriticGraph.LOSS).getDouble(0), 1e-9);
    }

    /** GP's hand-written input gradient (slopes at x~ fed in) equals SameDiff's autodiff of D at x~. */
    @Test
    void gradientPenaltyUsesTheTrueInputGradient() {
        CriticGraph g = CriticGraph.create(new int[] {4, 3, 2}, 28, 10.0, 6L, DataType.DOUBLE);
        Map<String, INDArray> in = inputs(DataType.DOUBLE, 3, 12);
        INDArray x = in.get(CriticGraph.REAL), xhat = in.get(CriticGraph.FAKE), eps = in.get(CriticGraph.EPS);
        INDArray mixed = x.mul(eps).addi(xhat.mul(eps.rsub(1.0)));
        double gp = g.evaluate(x, xhat, eps, CriticGraph.GP).get(CriticGraph.GP).getDouble(0);
        // d(mean D(xhat))/d(xhat) at xhat = x~ is dD/dx~ / n per sample.
        Map<String, INDArray> at = g.feed(x, mixed, eps);
        INDArray grad = g.sameDiff().calculateGradients(at, CriticGraph.FAKE).get(CriticGraph.FAKE).mul(3);
        INDArray norms = grad.reshape(3, 28 * 28).norm2(1);
        double expected = norms.sub(1.0).muli(norms.sub(1.0)).meanNumber().doubleValue();
        assertTrue(expected > 1e-3, "a non-trivial penalty");
        assertEquals(expected, gp, 1e-9 * Math.max(1, expected));
    }

    /** A critic saved by the loop before the slopes became inputs loads with its weights and Adam state, and trains on. */
    @Test
    void aCriticSavedBeforeTheSlopeInputsLoadsAndTrainsOn() throws IOException {
        byte[] old;
        try (InputStream in = getClass().getResourceAsStream("/critic/before-slope-inputs.sd")) {
            old = in.readAllBytes();
        }
        CriticGraph c = CriticGraph.fromBytes(old);
        Nd4j.getRandom().setSeed(11); // the inputs the file's writer used (common/src/test/resources/critic/README.md)
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28), xh = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28), eps = Nd4j.rand(DataType.FLOAT, 3, 1, 1, 1);
        assertEquals(9.302717208862305, c.evaluate(x, xh, eps, CriticGraph.LOSS).get(CriticGraph.LOSS).getDouble(0), 1e-5);
        c.fitStep(x, xh, eps);
        // The writer's third step gave 9.294477: the same only if Adam's moments and step count came along.
        assertEquals(9.294477462768555, c.evaluate(x, xh, eps, CriticGraph.LOSS).get(CriticGraph.LOSS).getDouble(0), 1e-5);
    }

    @Test
    void criticStepsSeparateRealDigitsFromNoise() throws IOException {
        CriticGraph g = CriticGraph.create(new int[] {16, 32, 64}, 28, 10.0, 9L, DataType.FLOAT).trainWith(1e-3, 0.5, 0.9);
        LabeledImages digits = TestData.train().head(640);
        Nd4j.getRandom().setSeed(4);
        INDArray before = null;
        for (int step = 0; step < 40; step++) {
            int from = (step * 16) % 640;
            INDArray x = Minibatches.toDataSet(digits, from, from + 16).getFeatures().reshape(16, 1, 28, 28);
            INDArray noise = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
            INDArray eps = Nd4j.rand(DataType.FLOAT, 16, 1, 1, 1);
            if (before == null) before = g.evaluate(x, noise, eps, CriticGraph.W1).get(CriticGraph.W1).dup();
            g.fitStep(x, noise, eps);
        }
        INDArray x = Minibatches.toDataSet(digits, 0, 64).getFeatures().reshape(64, 1, 28, 28);
        Map<String, INDArray> after = g.evaluate(x, Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28), Nd4j.rand(DataType.FLOAT, 64, 1, 1, 1),
                CriticGraph.W1, CriticGraph.GP);
        double w1 = after.get(CriticGraph.W1).getDouble(0);
        assertTrue(w1 > before.getDouble(0) + 0.5 && w1 > 0.5, "W1 estimate grows: " + before + " -> " + w1);
        assertTrue(after.get(CriticGraph.GP).getDouble(0) < 1.0, "penalty keeps the critic near 1-Lipschitz: " + after.get(CriticGraph.GP));
    }

    private static Map<String, INDArray> inputs(DataType t, int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> m = new HashMap<>();
        m.put(CriticGraph.REAL, Nd4j.rand(t, n, 1, 28, 28));
        m.put(CriticGraph.FAKE, Nd4j.rand(t, n, 1, 28, 28));
        m.put(CriticGraph.EPS, Nd4j.rand(t, n, 1, 1, 1));
        return m;
    }

    @Test
    void buildingTheGradientPrintsNothingButOtherOutputPasses() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true));
            CriticGraph.QuietSameDiff.install();
            CriticGraph c = CriticGraph.reference(3).trainWith(2e-4, 0.5, 0.9);
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
            c.fitStep(x, Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28), Nd4j.rand(DataType.FLOAT, 4, 1, 1, 1));
            System.out.println("progress line");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString();
        assertFalse(out.contains(CriticGraph.QuietSameDiff.NOISE), out.lines().limit(3).toList().toString());
        assertTrue(out.contains("progress line"), out);
    }

    /** Stage 1's averaging round: weights and Adam moments become the workers' means, Adam's step count goes on. */
    @Test
    void averagingSetsWeightsAndAdamStateToTheWorkersMeans() {
        CriticGraph base = CriticGraph.create(new int[] {4, 4, 4}, 28, 10.0, 3L, DataType.FLOAT).trainWith(1e-3, 0.5, 0.9);
        CriticGraph a = base.copy(), b = base.copy();
        Map<String, INDArray> in1 = inputs(DataType.FLOAT, 4, 1), in2 = inputs(DataType.FLOAT, 4, 2);
        a.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        b.fitStep(in2.get(CriticGraph.REAL), in2.get(CriticGraph.FAKE), in2.get(CriticGraph.EPS));
        a.fitStep(in2.get(CriticGraph.REAL), in2.get(CriticGraph.FAKE), in2.get(CriticGraph.EPS));
        b.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        CriticGraph avg = base.copy();
        avg.averageFrom(List.of(a, b));
        for (String v : new String[] {"conv1_w", "conv3_b", "fc_w"}) {
            INDArray want = a.sameDiff().getVariable(v).getArr().add(b.sameDiff().getVariable(v).getArr()).divi(2);
            assertTrue(want.equalsWithEps(avg.sameDiff().getVariable(v).getArr(), 1e-6), v);
            assertFalse(want.equalsWithEps(a.sameDiff().getVariable(v).getArr(), 1e-9), v + ": the workers differ");
        }
        for (String v : avg.sameDiff().getUpdaterMap().keySet()) {
            @SuppressWarnings("unchecked") Map<String, INDArray> sa = a.sameDiff().getUpdaterMap().get(v).getState(),
                    sb = b.sameDiff().getUpdaterMap().get(v).getState(), sv = avg.sameDiff().getUpdaterMap().get(v).getState();
            for (String k : sv.keySet()) {
                assertTrue(sa.get(k).add(sb.get(k)).divi(2).equalsWithEps(sv.get(k), 1e-6), v + " Adam " + k);
            }
        }
        assertEquals(2, avg.sameDiff().getTrainingConfig().getIterationCount(), "two steps per worker: Adam's bias correction goes on at 2");
    }

    /** A worker whose share held only generator steps returns the critic it was sent: its Adam state counts as the sender's. */
    @Test
    void aWorkerThatTookNoCriticStepCountsWithTheStateItWasSent() {
        CriticGraph base = CriticGraph.create(new int[] {4, 4, 4}, 28, 10.0, 3L, DataType.FLOAT).trainWith(1e-3, 0.5, 0.9);
        CriticGraph stepped = base.copy(), idle = base.copy();
        Map<String, INDArray> in = inputs(DataType.FLOAT, 4, 1);
        stepped.fitStep(in.get(CriticGraph.REAL), in.get(CriticGraph.FAKE), in.get(CriticGraph.EPS));
        CriticGraph avg = base.copy();
        avg.averageFrom(List.of(idle, stepped));
        INDArray want = base.sameDiff().getVariable("fc_w").getArr().add(stepped.sameDiff().getVariable("fc_w").getArr()).divi(2);
        assertTrue(want.equalsWithEps(avg.sameDiff().getVariable("fc_w").getArr(), 1e-6));
        for (String v : avg.sameDiff().getUpdaterMap().keySet()) {
            @SuppressWarnings("unchecked") Map<String, INDArray> ss = stepped.sameDiff().getUpdaterMap().get(v).getState(),
                    sv = avg.sameDiff().getUpdaterMap().get(v).getState();
            for (String k : sv.keySet()) assertTrue(ss.get(k).div(2).equalsWithEps(sv.get(k), 1e-6), v + " Adam " + k + ": (m + 0) / 2");
        }
        assertEquals(1, avg.sameDiff().getTrainingConfig().getIterationCount(), "the most steps any worker took");
    }

    /**
     * A critic kept between averaging rounds takes over the state it is sent: after load it steps
     * exactly as the sender would, also when the sender never stepped (its Adam state is reset, not
     * kept from the critic's earlier use).
     */
    @Test
    void aLoadedStateStepsExactlyAsItsSender() {
        CriticGraph base = CriticGraph.create(new int[] {4, 4, 4}, 28, 10.0, 3L, DataType.FLOAT).trainWith(1e-3, 0.5, 0.9);
        Map<String, INDArray> in1 = inputs(DataType.FLOAT, 4, 1), in2 = inputs(DataType.FLOAT, 4, 2);
        CriticGraph sender = base.copy(), kept = base.copy();
        kept.fitStep(in2.get(CriticGraph.REAL), in2.get(CriticGraph.FAKE), in2.get(CriticGraph.EPS)); // an earlier round's state
        kept.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        assertNull(sender.state().adam(), "no step yet: no Adam state");

        kept.load(sender.state().copy()); // a state from before any critic step
        sender.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        kept.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        assertArrayEquals(sender.toBytes(), kept.toBytes(), "weights, Adam state and step count after one step");

        sender.fitStep(in2.get(CriticGraph.REAL), in2.get(CriticGraph.FAKE), in2.get(CriticGraph.EPS));
        kept.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS)); // they part
        kept.load(sender.state().copy());
        assertEquals(2, kept.sameDiff().getTrainingConfig().getIterationCount());
        sender.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        kept.fitStep(in1.get(CriticGraph.REAL), in1.get(CriticGraph.FAKE), in1.get(CriticGraph.EPS));
        assertArrayEquals(sender.toBytes(), kept.toBytes(), "and after a state with Adam moments");
    }

    /**
     * fitStep keeps one training session from step to step instead of SameDiff.fit's new one per
     * call: the weights, Adam state and step count (all of toBytes) stay those of
     * SameDiff.fit, step after step, also across a learning-rate change.
     */
    @Test
    void fitStepTrainsExactlyAsSameDiffFit() {
        CriticGraph base = CriticGraph.create(new int[] {4, 4, 4}, 28, 10.0, 9L, DataType.FLOAT).trainWith(1e-3, 0.5, 0.9);
        CriticGraph kept = base.copy(), fitted = base.copy();
        for (int step = 0; step < 4; step++) {
            if (step == 2) {
                kept.setLearningRate(2e-4);
                fitted.setLearningRate(2e-4);
            }
            Map<String, INDArray> in = inputs(DataType.FLOAT, 4, 20 + step);
            kept.fitStep(in.get(CriticGraph.REAL), in.get(CriticGraph.FAKE), in.get(CriticGraph.EPS));
            Map<String, INDArray> feed = fitted.feed(in.get(CriticGraph.REAL), in.get(CriticGraph.FAKE), in.get(CriticGraph.EPS));
            SameDiff sd = fitted.sameDiff();
            INDArray[] features = sd.getTrainingConfig().getDataSetFeatureMapping().stream().map(feed::get).toArray(INDArray[]::new);
            sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(features, new INDArray[0]));
            assertArrayEquals(fitted.toBytes(), kept.toBytes(), "after step " + step);
        }
        assertEquals(4, kept.sameDiff().getTrainingConfig().getIterationCount());
    }
}
