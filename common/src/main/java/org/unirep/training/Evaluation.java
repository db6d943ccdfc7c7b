package org.unirep.training;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unirep.classifier.ClassifierEvaluator;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.SoftToHardQuantizer;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/**
 * Test-split metrics of a compression model in inference mode (hard quantisation, BatchNorm
 * running statistics), as the reference computes them after every epoch: MSE per pixel, W1 from
 * the run's critic (mean D(x) - mean D(x^)), CE in nats and accuracy of the frozen classifier on
 * x^. The dither of test batch b after epoch e comes from {@link Draws#evalDither} ({@link Seeds}:
 * fresh every epoch, the same for the same seed). Metrics are sums over all test images divided by
 * their count, the reference's size-weighted average of batch means.
 */
public final class Evaluation {
    public static final int BATCH = 500;
    /** Images per forward pass within a test batch (measured here: about 20% less time than 500 at once; 50 gains no more). */
    static final int FORWARD_CHUNK = 100;

    private Evaluation() {}

    /**
     * RDC graphs carry the classifier; for RDP, CE and accuracy come from {@code classifier} run on
     * x^ (NaN without one), and W1 from {@code critic} (NaN without one).
     */
    public static EpochMetrics evaluate(ComputationGraph net, LabeledImages data, int epoch, CriticGraph critic,
                                        MultiLayerNetwork classifier, Draws draws) {
        boolean graphHasClassifier = net.getConfiguration().getNetworkOutputs().contains(CompressionModel.CLASSIFIER_OUT);
        int dim = CompressionModel.dim(net);
        double alpha = SoftToHardQuantizer.alpha(CompressionModel.quantizer(net).getLevels());
        double se = 0, ce = 0, w1 = 0;
        long correct = 0;
        int n = data.count();
        for (int from = 0, b = 0; from < n; from += BATCH, b++) {
            DataSet ds = Minibatches.toDataSet(data, from, Math.min(n, from + BATCH));
            int m = (int) ds.getFeatures().size(0);
            INDArray u = draws.evalDither(epoch, b, m, dim, alpha);
            INDArray[] out = forward(net, ds.getFeatures(), u, graphHasClassifier);
            INDArray recon = out[0]; // [m, pixels]
            INDArray probs = graphHasClassifier ? out[1] : classifier != null ? classifier.output(recon, false) : null;
            se += recon.squaredDistance(ds.getFeatures());
            if (probs != null) {
                ce += ClassifierEvaluator.crossEntropySum(probs, ds.getLabels());
                correct += probs.argMax(1).eq(ds.getLabels().argMax(1)).castTo(DataType.INT32).sumNumber().longValue();
            }
            if (critic != null) {
                INDArray eps = Nd4j.zeros(recon.dataType(), m, 1, 1, 1);
                w1 += m * critic.evaluate(ds.getFeatures().reshape(m, 1, DatasetName.ROWS, DatasetName.COLS),
                        recon.reshape(m, 1, DatasetName.ROWS, DatasetName.COLS), eps, CriticGraph.W1).get(CriticGraph.W1).getDouble(0);
            }
        }
        boolean hasCe = graphHasClassifier || classifier != null;
        return new EpochMetrics(epoch, data.split().id(), se / ((double) n * data.pixelsPerImage()), hasCe ? ce / n : Double.NaN,
                hasCe ? (double) correct / n : Double.NaN, critic != null ? w1 / n : Double.NaN);
    }

    /**
     * x^ (and, for RDC graphs, the classifier's probabilities) of a test batch, run through the
     * network in pieces of {@link #FORWARD_CHUNK}: inference is per image, so x^ and the classifier's
     * probabilities are those of one whole-batch pass to float rounding (GEMMs block by batch size), and
     * the decoder's 500-image activations (160 MB for the 64->128 transposed convolution) no
     * longer stream through memory: 20% less time on 1 and 2 threads. RDP runs x^
     * only, without the graph's frozen critic copy (W1 comes from the run's critic).
     */
    static INDArray[] forward(ComputationGraph net, INDArray x, INDArray u, boolean withClassifier) {
        long n = x.size(0);
        List<INDArray> recon = new ArrayList<>(), probs = new ArrayList<>();
        for (long from = 0; from < n; from += FORWARD_CHUNK) {
            INDArrayIndex rows = NDArrayIndex.interval(from, Math.min(n, from + FORWARD_CHUNK));
            INDArray xs = x.get(rows, NDArrayIndex.all()).dup(), us = u.get(rows, NDArrayIndex.all()).dup();
            if (withClassifier) {
                INDArray[] out = net.output(false, xs, us);
                recon.add(out[0]);
                probs.add(out[1]);
            } else {
                recon.add(CompressionModel.reconstruct(net, xs, us, false).reshape(xs.size(0), x.size(1)));
            }
        }
        INDArray r = recon.size() == 1 ? recon.get(0) : Nd4j.vstack(recon);
        if (!withClassifier) return new INDArray[] {r};
        return new INDArray[] {r, probs.size() == 1 ? probs.get(0) : Nd4j.vstack(probs)};
    }
}
