package org.unirep.classifier;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/** Accuracy and mean cross-entropy (nats) of the classifier on a split. */
public final class ClassifierEvaluator {
    private ClassifierEvaluator() {}

    public record Result(long examples, double accuracy, double crossEntropy) {}

    public static Result evaluate(MultiLayerNetwork net, LabeledImages data) {
        Evaluation eval = new Evaluation(10);
        double ceSum = 0;
        int batch = 1000;
        for (int from = 0; from < data.count(); from += batch) {
            DataSet ds = Minibatches.toDataSet(data, from, Math.min(data.count(), from + batch));
            INDArray p = net.output(ds.getFeatures(), false);
            eval.eval(ds.getLabels(), p);
            ceSum += crossEntropySum(p, ds.getLabels());
        }
        return new Result(data.count(), eval.accuracy(), ceSum / data.count());
    }

    /** Sum over rows of -log p[label], with p clipped away from 0 so one sure mistake stays finite. */
    public static double crossEntropySum(INDArray probs, INDArray oneHot) {
        INDArray logp = Transforms.log(Transforms.max(probs, 1e-12, true), false);
        return -logp.mul(oneHot).sumNumber().doubleValue();
    }
}
