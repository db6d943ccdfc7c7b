package org.unirep.training;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
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
 * x^. The dither of test batch b after epoch e comes from {@link Seeds#eval}: fresh every epoch,
 * the same for the same seed.
 */
public final class Evaluation {
    public static final int BATCH = 500;

    private Evaluation() {}

    /**
     * RDC graphs carry the classifier; for RDP, CE and accuracy come from {@code classifier} run on
     * x^ (NaN without one), and W1 from {@code critic} (NaN without one).
     */
    public static EpochMetrics evaluate(ComputationGraph net, LabeledImages data, int epoch, CriticGraph critic,
                                        MultiLayerNetwork classifier, Seeds seeds) {
        boolean graphHasClassifier = net.getConfiguration().getNetworkOutputs().contains(CompressionModel.CLASSIFIER_OUT);
        int dim = CompressionModel.dim(net);
        double alpha = SoftToHardQuantizer.alpha(CompressionModel.quantizer(net).getLevels());
        double se = 0, ce = 0, w1 = 0;
        long correct = 0;
        int n = data.count();
        for (int from = 0, b = 0; from < n; from += BATCH, b++) {
            DataSet ds = Minibatches.toDataSet(data, from, Math.min(n, from + BATCH));
            int m = (int) ds.getFeatures().size(0);
            INDArray u = Seeds.dither(seeds.eval(epoch, b), m, dim, alpha);
            INDArray recon, probs;
            if (graphHasClassifier) {
                INDArray[] out = net.output(false, ds.getFeatures(), u);
                recon = out[0];
                probs = out[1];
            } else { // RDP: x^ only, without the graph's frozen critic copy (W1 comes from the run's critic below)
                recon = CompressionModel.reconstruct(net, ds.getFeatures(), u, false).reshape(m, data.pixelsPerImage());
                probs = classifier != null ? classifier.output(recon, false) : null;
            }
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
}
