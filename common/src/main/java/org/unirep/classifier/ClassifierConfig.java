package org.unirep.classifier;

/**
 * Training settings of the frozen classifier c. Reference: SGD lr 0.01, batch 100, 10 epochs. The
 * reference names no momentum; plain SGD at that rate stops short of 98.5% in 10 epochs, so the
 * default adds Nesterov momentum 0.9 (DL4J has no heavy-ball SGD); momentum 0 gives plain SGD.
 */
public record ClassifierConfig(int epochs, int batchSize, double learningRate, double momentum, long seed) {

    public static ClassifierConfig reference() {
        return new ClassifierConfig(10, 100, 0.01, 0.9, 1234L);
    }

    public ClassifierConfig {
        if (epochs < 1) throw new IllegalArgumentException("classifier epochs = " + epochs + ", expected >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("classifier batch size = " + batchSize + ", expected >= 1");
        if (!(learningRate > 0)) throw new IllegalArgumentException("classifier learning rate = " + learningRate + ", expected > 0");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("classifier momentum = " + momentum + ", expected in [0, 1)");
    }

    public ClassifierConfig withEpochs(int e) { return new ClassifierConfig(e, batchSize, learningRate, momentum, seed); }
}
