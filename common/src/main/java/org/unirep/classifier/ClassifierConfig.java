package org.unirep.classifier;

/**
 * Training settings of the frozen classifier c. Reference (the RDC fork's CNN_MNIST.py): plain SGD
 * (no momentum), lr 0.01, batch 100, shuffled, 10 epochs, seed 1. A momentum above 0 is not the
 * reference's: it trains with DL4J's Nesterov momentum (DL4J has no heavy-ball SGD).
 */
public record ClassifierConfig(int epochs, int batchSize, double learningRate, double momentum, long seed) {

    public static ClassifierConfig reference() {
        return new ClassifierConfig(10, 100, 0.01, 0.0, 1L);
    }

    public ClassifierConfig {
        if (epochs < 1) throw new IllegalArgumentException("classifier epochs = " + epochs + ", expected >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("classifier batch size = " + batchSize + ", expected >= 1");
        if (!(learningRate > 0)) throw new IllegalArgumentException("classifier learning rate = " + learningRate + ", expected > 0");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("classifier momentum = " + momentum + ", expected in [0, 1)");
    }

    public ClassifierConfig withEpochs(int e) { return new ClassifierConfig(e, batchSize, learningRate, momentum, seed); }
}
