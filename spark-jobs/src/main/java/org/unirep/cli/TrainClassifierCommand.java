package org.unirep.cli;

import java.util.concurrent.Callable;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.jobs.classifier.TrainClassifierJob;
import org.unirep.jobs.classifier.TrainClassifierOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = "Train the frozen classifier c with parameter averaging; save it with a metadata sidecar.")
public class TrainClassifierCommand implements Callable<Integer> {
    @Mixin SparkOptions spark;

    @Option(names = "--ingest", required = true, paramLabel = "DIR", description = "Ingest root written by `unirep ingest`.")
    String ingest;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (any Hadoop path).")
    String model;

    @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE} (reference).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "100", description = "Default: ${DEFAULT-VALUE} (reference).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE}, reference).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0", description = "Nesterov momentum; 0 = plain SGD, the reference (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE} (reference).")
    long seed;

    @Option(names = "--workers", defaultValue = "1", description = "Parameter-averaging workers (default: ${DEFAULT-VALUE}: sequential SGD, the reference; 0 = Spark default parallelism).")
    int workers;

    @Option(names = "--averaging-frequency", defaultValue = "5", description = "Minibatches per worker between averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Override
    public Integer call() throws Exception {
        TrainClassifierOptions o = new TrainClassifierOptions(ingest, model,
                new ClassifierConfig(epochs, batchSize, lr, momentum, seed), workers, averagingFrequency);
        TrainClassifierJob.Result r = TrainClassifierJob.entryPoint(spark.session("train-classifier"), o);
        System.out.printf("classifier saved to %s: test accuracy %.4f, CE %.4f nats (%.0f s)%n", model,
                r.test().accuracy(), r.test().crossEntropy(), r.seconds());
        return 0;
    }
}
