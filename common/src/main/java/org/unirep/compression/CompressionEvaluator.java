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
        DitheredQuantizer q = CompressionModel.quantizer(net);
        double se = 0, ce = 0;
        long correct = 0;
        int n = data.count();
        for (int from = 0, b = 0; from < n; from += BATCH, b++) {
            DataSet ds = Minibatches.toDataSet(data, from, Math.min(n, from + BATCH));
            q.setKey(b);
            INDArray[] out = net.output(false, ds.getFeatures());
            se += out[0].squaredDistance(ds.getFeatures());
            ce += ClassifierEvaluator.crossEntropySum(out[1], ds.getLabels());
            correct += out[1].argMax(1).eq(ds.getLabels().argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).sumNumber().longValue();
        }
        return new EpochMetrics(epoch, data.split().id(), se / ((double) n * data.pixelsPerImage()), ce / n,
                (double) correct / n, Double.NaN);
    }
}
