package org.unirep.classifier;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;

/** Trains the classifier in one JVM (tests, single-machine runs); the Spark job averages it instead. */
public final class ClassifierTrainer {
    private static final Logger log = LoggerFactory.getLogger(ClassifierTrainer.class);

    private ClassifierTrainer() {}

    public static MultiLayerNetwork train(LabeledImages train, ClassifierConfig c) {
        MultiLayerNetwork net = ClassifierNet.create(c);
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            List<DataSet> batches = Minibatches.batches(train, Minibatches.permutation(train.count(), c.seed() + epoch), c.batchSize());
            for (DataSet b : batches) net.fit(b);
            log.info("classifier epoch {}/{}: loss {}", epoch + 1, c.epochs(), net.score());
        }
        return net;
    }
}
