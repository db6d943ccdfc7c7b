package org.unirep.nn;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's default initialisation of a whole graph, which the reference models were trained
 * with: weights and biases of Linear, Conv2d and ConvTranspose2d ~ U(-b, b), b = 1/sqrt(fan_in)
 * (kaiming_uniform with a = sqrt(5)). fan_in is in * k * k for Linear and Conv2d but, for
 * ConvTranspose2d, PyTorch reads it from weight.size(1) of its [in, out, k, k] weight: out * k * k.
 * BatchNorm keeps gamma 1, beta 0 (as in both libraries). Drawn on the host from the seed, layer by
 * layer in graph order, so the same seed gives the same weights on any backend.
 */
public final class TorchInit {
    private TorchInit() {}

    public static void apply(ComputationGraph net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Layer layer : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = unwrap(layer.conf().getLayer());
            long fanIn;
            if (conf instanceof Deconvolution2D d) {
                fanIn = d.getNOut() * d.getKernelSize()[0] * d.getKernelSize()[1];
            } else if (conf instanceof ConvolutionLayer c) {
                fanIn = c.getNIn() * c.getKernelSize()[0] * c.getKernelSize()[1];
            } else if (conf instanceof DenseLayer d) {
                fanIn = d.getNIn();
            } else {
                continue;
            }
            double bound = TorchDefaultInit.bound(fanIn);
            for (String p : new String[] {"W", "b"}) {
                INDArray a = layer.paramTable().get(p);
                if (a != null) a.assign(uniform(r, a.length(), bound).reshape('c', a.shape()).castTo(a.dataType()));
            }
        }
    }

    private static INDArray uniform(SplittableRandom r, long n, double bound) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        return Nd4j.createFromArray(v);
    }

    private static org.deeplearning4j.nn.conf.layers.Layer unwrap(org.deeplearning4j.nn.conf.layers.Layer l) {
        if (l instanceof FrozenLayerWithBackprop f) return unwrap(f.getUnderlying());
        if (l instanceof FrozenLayer f) return unwrap(f.getLayer());
        return l;
    }
}
