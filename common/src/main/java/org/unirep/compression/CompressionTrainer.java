package org.unirep.compression;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/**
 * Trains one compression model in this JVM: end-to-end (encoder + decoder) or universal (the
 * graph's encoder layers frozen). Each epoch reshuffles the training set from the seed, fits
 * minibatches of {@code batchSize}, then evaluates on the test split. A loss that turns NaN or
 * infinite stops the run with status DIVERGED rather than producing numbers.
 */
public final class CompressionTrainer {
    private static final Logger log = LoggerFactory.getLogger(CompressionTrainer.class);

    public enum Status { OK, DIVERGED }

    public record Result(ComputationGraph net, Status status, String error, List<EpochMetrics> history,
                         List<Double> trainLoss, long steps, double seconds) {
        public EpochMetrics last() { return history.isEmpty() ? null : history.get(history.size() - 1); }
    }

    private CompressionTrainer() {}

    public static Result train(ComputationGraph net, CompressionConfig c, LabeledImages train, LabeledImages test,
                               Consumer<EpochMetrics> onEpoch) {
        return train(net, c, train, test, null, null, onEpoch);
    }

    /**
     * RDP needs the critic: before each generator step it takes one WGAN-GP step on the current
     * reconstructions (n_critic = 1), and its weights are copied into the graph's frozen copy.
     * {@code classifier} (optional for RDP) measures CE and accuracy on x^.
     */
    public static Result train(ComputationGraph net, CompressionConfig c, LabeledImages train, LabeledImages test,
                               CriticGraph critic, org.deeplearning4j.nn.multilayer.MultiLayerNetwork classifier,
                               Consumer<EpochMetrics> onEpoch) {
        boolean rdp = c.objective() == Objective.RDP;
        if (rdp && critic == null) throw new IllegalArgumentException("mode rdp needs a critic");
        long t0 = System.nanoTime();
        Nd4j.getRandom().setSeed(c.seed());
        List<EpochMetrics> history = new ArrayList<>();
        List<Double> trainLoss = new ArrayList<>();
        long steps = 0;
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            net.getConfiguration().setEpochCount(epoch); // drives the lr schedule
            double lossSum = 0;
            int batches = 0;
            for (DataSet b : Minibatches.batches(train, Minibatches.permutation(train.count(), c.seed() * 31 + epoch), c.batchSize())) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.util.concurrent.CancellationException("training interrupted at epoch " + (epoch + 1));
                }
                double loss = fitBatch(net, rdp ? critic : null, b.getFeatures(), b.getLabels());
                steps++;
                if (!Double.isFinite(loss)) {
                    String msg = "loss became " + loss + " at epoch " + (epoch + 1) + ", step " + steps + " (lambda " + c.lambda() + ")";
                    log.warn("diverged: {}", msg);
                    return new Result(net, Status.DIVERGED, msg, history, trainLoss, steps, (System.nanoTime() - t0) / 1e9);
                }
                lossSum += loss;
                batches++;
            }
            trainLoss.add(lossSum / batches);
            EpochMetrics m = test != null ? CompressionEvaluator.evaluate(net, test, epoch + 1, critic, classifier)
                    : new EpochMetrics(epoch + 1, "train", Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            history.add(m);
            log.info("{} dim={} L={} lambda={} epoch {}/{}: train loss {}, test mse {}, ce {}, acc {}", c.objective().id(),
                    c.dim(), c.levels(), c.lambda(), epoch + 1, c.epochs(), fmt(lossSum / batches), fmt(m.mse()), fmt(m.ce()), fmt(m.accuracy()));
            if (onEpoch != null) onEpoch.accept(m);
            if (test != null && !Double.isFinite(m.mse())) {
                return new Result(net, Status.DIVERGED, "test MSE is " + m.mse() + " after epoch " + (epoch + 1), history, trainLoss, steps,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        return new Result(net, Status.OK, null, history, trainLoss, steps, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * One training step on images x ([n,784]) with one-hot labels (RDC; ignored for RDP). With a
     * critic (RDP) it first takes one WGAN-GP critic step on the current reconstructions and copies
     * the critic into the graph. Returns the generator's loss.
     */
    public static double fitBatch(ComputationGraph net, CriticGraph critic, INDArray x, INDArray labels) {
        CompressionModel.quantizer(net).setTrainingKey(DitheredQuantizer.keyOf(x));
        INDArray second = labels;
        if (critic != null) {
            int n = (int) x.size(0);
            INDArray xhat = net.output(true, x)[0];
            critic.fitStep(x.reshape(n, 1, 28, 28), xhat.reshape(n, 1, 28, 28), Nd4j.rand(x.dataType(), n, 1, 1, 1));
            CompressionModel.loadCritic(net, critic);
            second = Nd4j.zeros(x.dataType(), n, 1);
        }
        net.fit(new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, second}));
        return net.score();
    }

    private static String fmt(double v) { return String.format("%.5f", v); }
}
