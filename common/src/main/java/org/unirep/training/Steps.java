package org.unirep.training;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.Mode;
import org.unirep.compression.SoftToHardQuantizer;
import org.unirep.data.DatasetName;

/**
 * The two steps of the reference loop, on one minibatch each (REFERENCE.md, "The training loop,
 * exactly"); {@link #step} picks one by the minibatch's index in its epoch ({@link Schedule}).
 * <pre>
 *   critic step    (even i)  x^ = g(f(x), u) in training mode, no gradient to f, g;
 *                            Adam on -D(x) + D(x^) + 10 GP(eps);   RDP: refresh the graph's critic copy
 *   generator step (odd i)   critic frozen; Adam on f, g:  MSE(x, x^) + lambda_e CE(c(x^), y)   (RDC)
 *                                                         MSE(x, x^) - lambda_e mean D(x^)      (RDP)
 * </pre>
 * The step's randomness (dither u, then eps) is drawn from {@link Seeds#step}: fresh per step and the
 * same wherever the step runs. Used alike by local training and by the parameter-averaging workers.
 */
public final class Steps {
    private final ComputationGraph net;
    private final CriticGraph critic;
    private final Seeds seeds;
    private final boolean rdp;
    private final int dim;
    private final double alpha;

    public Steps(ComputationGraph net, CriticGraph critic, Seeds seeds, Mode mode) {
        if (critic == null) throw new IllegalArgumentException("every run trains a critic (RDC to measure W1, RDP as its loss)");
        this.net = net;
        this.critic = critic;
        this.seeds = seeds;
        this.rdp = mode == Mode.RDP;
        this.dim = CompressionModel.dim(net);
        this.alpha = SoftToHardQuantizer.alpha(CompressionModel.quantizer(net).getLevels());
    }

    /**
     * Minibatch {@code index} of epoch {@code epoch}: images x [n,784] in [0,1], one-hot labels
     * [n,10] (RDC). Returns the generator's loss after a generator step, NaN after a critic step.
     */
    public double step(int epoch, long index, INDArray x, INDArray labels) {
        int n = (int) x.size(0);
        SplittableRandom r = seeds.step(epoch, index);
        INDArray u = Seeds.dither(r, n, dim, alpha);
        if (Schedule.isCriticStep(index)) {
            criticStep(x, u, Seeds.mixing(r, n));
            return Double.NaN;
        }
        return generatorStep(x, labels, u);
    }

    void criticStep(INDArray x, INDArray u, INDArray eps) {
        int n = (int) x.size(0);
        INDArray xhat = CompressionModel.reconstruct(net, x, u, true);
        critic.fitStep(image(x, n), xhat, eps);
        if (rdp) CompressionModel.loadCritic(net, critic);
    }

    double generatorStep(INDArray x, INDArray labels, INDArray u) {
        INDArray second = rdp ? Nd4j.zeros(x.dataType(), x.size(0), 1) : labels;
        net.fit(new MultiDataSet(new INDArray[] {x, u}, new INDArray[] {x, second}));
        return net.score();
    }

    private static INDArray image(INDArray flat, int n) {
        return flat.reshape('c', n, 1, DatasetName.ROWS, DatasetName.COLS);
    }
}
