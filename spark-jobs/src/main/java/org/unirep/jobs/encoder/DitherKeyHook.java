package org.unirep.jobs.encoder;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.DitheredQuantizer;
import org.unirep.spark.TaskDevice;

/**
 * Runs in DL4J's parameter-averaging workers before each minibatch: keys the quantiser's dither
 * by the minibatch's images (as local training does) and, once per thread, binds ND4J's threads
 * to the task's CPUs.
 */
final class DitherKeyHook implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Boolean> BOUND = ThreadLocal.withInitial(() -> false);

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        if (!BOUND.get()) {
            TaskDevice.bind();
            BOUND.set(true);
        }
        CompressionModel.quantizer((ComputationGraph) model).setTrainingKey(DitheredQuantizer.keyOf(minibatch.getFeatures(0)));
    }

    @Override public void postUpdate(MultiDataSet minibatch, Model model) {}
    @Override public void preUpdate(DataSet minibatch, Model model) {}
    @Override public void postUpdate(DataSet minibatch, Model model) {}
}
