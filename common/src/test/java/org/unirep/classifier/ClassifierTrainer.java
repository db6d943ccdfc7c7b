package org.unirep.classifier;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
            int[] order = Minibatches.permutation(train.count(), c.seed() + epoch);
            for (int from = 0; from < order.length; from += c.batchSize()) {
                net.fit(Minibatches.batch(train, order, from, Math.min(order.length, from + c.batchSize())));
            }
            log.info("classifier epoch {}/{}: loss {}", epoch + 1, c.epochs(), net.score());
        }
        return net;
    }
}
