package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BranchFreeLeakyReLUTest {

    /**
     * Forward and backward equal DL4J's LeakyReLU bit for bit on both signs; at exactly 0 the
     * slope is alpha, as in PyTorch's leaky_relu backward (the reference's), where DL4J's is 1.
     */
    @Test
    void givesDl4jsNumbers() {
        for (double alpha : new double[] {0.01, 0.2}) {
            Nd4j.getRandom().setSeed(3);
            INDArray z = Nd4j.rand(DataType.FLOAT, 64, 32, 11, 11).subi(0.5), da = Nd4j.rand(DataType.FLOAT, z.shape()).subi(0.5);
            z.putScalar(0, 0.0);
            z.putScalar(1, -0.0);
            ActivationLReLU dl4j = new ActivationLReLU(alpha);
            BranchFreeLeakyReLU ours = new BranchFreeLeakyReLU(alpha);
            INDArray want = dl4j.getActivation(z.dup(), true), got = ours.getActivation(z.dup(), true);
            assertEquals(want, got, "forward, alpha " + alpha);
            assertTrue(got.minNumber().doubleValue() < 0, "negative inputs stay negative (scaled)");
            INDArray wantGrad = dl4j.backprop(z.dup(), da.dup()).getFirst(), gotGrad = ours.backprop(z.dup(), da.dup()).getFirst();
            for (int i = 0; i < 2; i++) {
                assertEquals(da.getFloat(i), wantGrad.getFloat(i), "DL4J's slope at " + z.getFloat(i) + " is 1");
                assertEquals((float) (da.getFloat(i) * (float) alpha), gotGrad.getFloat(i), 1e-9, "slope alpha at z = " + z.getFloat(i));
                wantGrad.putScalar(i, gotGrad.getFloat(i));
            }
            assertEquals(wantGrad, gotGrad, "backward, alpha " + alpha);
        }
    }

    /** A layer configuration with it survives DL4J's JSON round trip (saved models name the class). */
    @Test
    void survivesTheConfigurationJson() {
        ActivationLayer layer = new ActivationLayer.Builder().activation(new BranchFreeLeakyReLU(0.01)).build();
        String json = new NeuralNetConfiguration.Builder().layer(layer).build().toJson();
        NeuralNetConfiguration back = NeuralNetConfiguration.fromJson(json);
        assertEquals(new BranchFreeLeakyReLU(0.01).getClass(), ((ActivationLayer) back.getLayer()).getActivationFn().getClass());
        assertEquals(0.01, ((BranchFreeLeakyReLU) ((ActivationLayer) back.getLayer()).getActivationFn()).getAlpha());
    }
}
