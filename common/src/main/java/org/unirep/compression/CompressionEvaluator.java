package org.unirep.compression;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.classifier.ClassifierEvaluator;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/**
 * Test-split metrics of a compression model in inference mode (hard quantisation, BatchNorm
 * running statistics). The dither of batch b uses key b, so the numbers repeat exactly.
 */
public final class CompressionEvaluator {
    public static final int BATCH = 500;

    private CompressionEvaluator() {}

    public static EpochMetrics evaluate(ComputationGraph net, LabeledImages data, int epoch) {
        return evaluate(net, data, epoch, null, null);
    }

    /**
     * RDC graphs carry the classifier; for RDP, CE and accuracy come from {@code classifier} run on
     * x^ (NaN without one) and W1 from {@code critic} (mean D(x) - mean D(x^), NaN without one).
     */
    public static EpochMetrics evaluate(ComputationGraph net, LabeledImages data, int epoch, CriticGraph critic,
                                        org.deeplearning4j.nn.multilayer.MultiLayerNetwork classifier) {
        DitheredQuantizer q = CompressionModel.quantizer(net);
        boolean graphHasClassifier = net.getConfiguration().getNetworkOutputs().contains(CompressionModel.CLASSIFIER_OUT);
        double se = 0, ce = 0, w1 = 0;
        long correct = 0;
        int n = data.count();
        for (int from = 0, b = 0; from < n; from += BATCH, b++) {
            DataSet ds = Minibatches.toDataSet(data, from, Math.min(n, from + BATCH));
            int m = (int) ds.getFeatures().size(0);
            q.setKey(b);
            INDArray[] out = net.output(false, ds.getFeatures());
            se += out[0].squaredDistance(ds.getFeatures());
            INDArray probs = graphHasClassifier ? out[1] : classifier != null ? classifier.output(out[0], false) : null;
            if (probs != null) {
                ce += ClassifierEvaluator.crossEntropySum(probs, ds.getLabels());
                correct += probs.argMax(1).eq(ds.getLabels().argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).sumNumber().longValue();
            }
            if (critic != null) {
                INDArray eps = org.nd4j.linalg.factory.Nd4j.zeros(out[0].dataType(), m, 1, 1, 1);
                w1 += m * critic.evaluate(ds.getFeatures().reshape(m, 1, 28, 28), out[0].reshape(m, 1, 28, 28), eps, CriticGraph.W1)
                        .get(CriticGraph.W1).getDouble(0);
            }
        }
        boolean hasCe = graphHasClassifier || classifier != null;
        return new EpochMetrics(epoch, data.split().id(), se / ((double) n * data.pixelsPerImage()), hasCe ? ce / n : Double.NaN,
                hasCe ? (double) correct / n : Double.NaN, critic != null ? w1 / n : Double.NaN);
    }
}
