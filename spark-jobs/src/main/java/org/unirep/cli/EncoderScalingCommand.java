package org.unirep.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.data.IdxDataset;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.encoder.EncoderScaling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "encoder-scaling", mixinStandardHelpOptions = true,
        description = {"Is the shared encoder as good trained on N workers as alone? Trains the stage-1 point (end to end at",
                "the encoder lambda) alone, then by parameter averaging on each number of workers, same seed and epochs,",
                "and prints test MSE, CE, accuracy, W1 and wall time as CSV (also to --out)."})
public class EncoderScalingCommand implements Callable<Integer> {
    @Mixin SparkOptions spark;

    @Option(names = "--data", defaultValue = "data/mnist", description = "IDX directory, any Hadoop path (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--classifier", paramLabel = "DIR", description = "Frozen classifier (from train-classifier); needed for rdc.")
    String classifier;

    @Option(names = "--modes", defaultValue = "rdc,rdp", split = ",", description = "rdc and/or rdp (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--workers", defaultValue = "1,2,4", split = ",", description = "Worker counts (default: ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = "--averaging-frequency", defaultValue = "5", split = ",",
            description = "Minibatches per worker between averagings; several give a row each (default: ${DEFAULT-VALUE}).")
    List<Integer> frequencies;

    @Option(names = "--epochs", defaultValue = "1") int epochs;
    @Option(names = "--dim", defaultValue = "3") int dim;
    @Option(names = "--levels", defaultValue = "3") int levels;
    @Option(names = "--lambda", defaultValue = "0.015", description = "The encoder lambda (default: ${DEFAULT-VALUE}).") double lambda;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Option(names = "--limit-train", defaultValue = "0", description = "Use the first N training images (0 = all).")
    int limitTrain;

    @Option(names = "--limit-test", defaultValue = "0", description = "Evaluate on the first N test images (0 = all).")
    int limitTest;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the CSV here (any Hadoop path).")
    String out;

    @Override
    public Integer call() throws Exception {
        List<CompressionConfig> configs = new ArrayList<>();
        for (String m : modes) configs.add(CompressionConfig.reference(Mode.parse(m), dim, levels, lambda, seed).withEpochs(epochs));
        if (configs.stream().anyMatch(c -> c.mode() == Mode.RDC) && classifier == null) {
            throw new IllegalArgumentException("--modes includes rdc, which needs --classifier DIR (from `unirep train-classifier`)");
        }
        for (int w : workers) if (w < 1) throw new IllegalArgumentException("--workers " + w + ": expected at least 1");
        for (int f : frequencies) if (f < 1) throw new IllegalArgumentException("--averaging-frequency " + f + ": expected at least 1");
        SparkSession session = spark.session("encoder-scaling");
        HadoopFiles files = HadoopFiles.of(session.sparkContext().hadoopConfiguration());
        LabeledImages train = IdxDataset.load(files, data, Split.TRAIN), test = IdxDataset.load(files, data, Split.TEST);
        if (limitTrain > 0) train = train.head(limitTrain);
        if (limitTest > 0) test = test.head(limitTest);
        MultiLayerNetwork clf = classifier == null ? null : new ModelStore(files).loadMultiLayer(classifier);
        List<EncoderScaling.Row> rows = EncoderScaling.entryPoint(session, configs, workers, frequencies, train,
                test, clf);
        StringWriter csv = new StringWriter();
        PrintWriter w = new PrintWriter(csv);
        w.println(EncoderScaling.Row.CSV_HEADER);
        rows.forEach(r -> w.println(r.csv()));
        w.flush();
        System.out.print(csv);
        if (out != null) files.writeString(out, csv.toString());
        return 0;
    }
}
