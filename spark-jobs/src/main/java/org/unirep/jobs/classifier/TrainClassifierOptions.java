package org.unirep.jobs.classifier;

import org.unirep.classifier.ClassifierConfig;

/**
 * @param ingestRoot         output of the ingest job
 * @param modelDir           where the model and its metadata.json go (any Hadoop path)
 * @param workers            parameter-averaging workers (0 = Spark's default parallelism)
 * @param averagingFrequency minibatches each worker fits between two averagings
 */
public record TrainClassifierOptions(String ingestRoot, String modelDir, ClassifierConfig config,
                                     int workers, int averagingFrequency) {
    public TrainClassifierOptions {
        if (workers < 0) throw new IllegalArgumentException("--workers = " + workers + ", expected >= 0 (0 = default parallelism)");
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("--averaging-frequency = " + averagingFrequency + ", expected >= 1");
        }
    }
}
