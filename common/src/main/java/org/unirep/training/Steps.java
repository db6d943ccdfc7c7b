package org.unirep.training;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.LossParts;
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
 * The step's randomness (dither u, then eps) comes from {@link Draws#step} ({@link Seeds}: fresh per
 * step and the same wherever the step runs). Used alike by local training and by the
 * parameter-averaging workers.
 */
public final class Steps {
    private final ComputationGraph net;
    private final CriticGraph critic;
    private final Draws draws;
    private final boolean rdp;
    private final int dim;
    private final double alpha;
    private boolean criticLoss;

    public Steps(ComputationGraph net, CriticGraph critic, Draws draws, Mode mode) {
        if (critic == null) throw new IllegalArgumentException("every run trains a critic (RDC to measure W1, RDP as its loss)");
        this.net = net;
        this.critic = critic;
        this.draws = draws;
        this.rdp = mode == Mode.RDP;
        this.dim = CompressionModel.dim(net);
        this.alpha = SoftToHardQuantizer.alpha(CompressionModel.quantizer(net).getLevels());
    }

    /**
     * Minibatch {@code index} of epoch {@code epoch}: images x [n,784] in [0,1], one-hot labels
     * [n,10] (RDC). Returns a generator step's loss with its parts; a critic step's total is NaN, or
     * the critic's loss (-D(x) + D(x^) + 10 GP, before its update) when {@link #measuringCriticLoss}.
     */
    public LossParts step(int epoch, long index, INDArray x, INDArray labels) {
        boolean critic = Schedule.isCriticStep(index);
        Draws.Step d = draws.step(epoch, index, (int) x.size(0), dim, alpha, critic);
        if (critic) return criticStep(x, d.dither(), d.mixing());
        return generatorStep(x, labels, d.dither());
    }

    /**
     * Critic steps also return the critic's loss, at the cost of a second pass of the critic (SameDiff
     * prunes the loss's own value from the gradient pass): for TwinGoldenTest's step-by-step check.
     */
    public Steps measuringCriticLoss(boolean on) {
        this.criticLoss = on;
        return this;
    }

    LossParts criticStep(INDArray x, INDArray u, INDArray eps) {
        int n = (int) x.size(0);
        INDArray xhat = CompressionModel.reconstruct(net, x, u, true); // training mode: BatchNorm's running statistics move
        INDArray real = image(x, n);
        double loss = criticLoss ? critic.evaluate(real, xhat, eps, CriticGraph.LOSS).get(CriticGraph.LOSS).getDouble(0) : Double.NaN;
        critic.fitStep(real, xhat, eps);
        if (rdp) CompressionModel.loadCritic(net, critic);
        return LossParts.critic(loss);
    }

    LossParts generatorStep(INDArray x, INDArray labels, INDArray u) {
        INDArray second = rdp ? Nd4j.zeros(x.dataType(), x.size(0), 1) : labels;
        net.fit(new MultiDataSet(new INDArray[] {x, u}, new INDArray[] {x, second}));
        return CompressionModel.lastLoss(net);
    }

    private static INDArray image(INDArray flat, int n) {
        return flat.reshape('c', n, 1, DatasetName.ROWS, DatasetName.COLS);
    }
}
