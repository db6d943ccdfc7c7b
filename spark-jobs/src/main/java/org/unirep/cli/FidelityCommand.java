package org.unirep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.unirep.classifier.TorchClassifier;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.data.DatasetChecksum;
import org.unirep.data.IdxDataset;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.experiments.FidelityRun;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;
import org.unirep.io.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fidelity", mixinStandardHelpOptions = true,
        description = {"Fidelity check at one rate, in this JVM: end-to-end models at lambda 0 and at the encoder lambda,",
                "then a universal decoder at lambda 0 on the latter's frozen encoder. Writes models and fidelity.csv."})
public class FidelityCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "data/mnist", description = "IDX directory (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--classifier", paramLabel = "DIR", description = "Frozen classifier (from train-classifier).")
    String classifier;

    @Option(names = "--torch-classifier", paramLabel = "FILE",
            description = {"Instead of --classifier: a classifier trained by PyTorch (bench/reference_twin.py's classifier.json),",
                    "so that this tool and the twin judge with the same frozen classifier."})
    String torchClassifier;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (any Hadoop path).")
    String out;

    @Option(names = "--schedule", defaultValue = "short",
            description = "short (1 epoch on the full training set) | reference (30 epochs) (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--modes", defaultValue = "rdc", split = ",", description = "rdc and/or rdp (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--dim", defaultValue = "3") int dim;
    @Option(names = "--levels", defaultValue = "3") int levels;
    @Option(names = "--encoder-lambda", defaultValue = "0.015") double encoderLambda;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Option(names = "--limit-train", defaultValue = "0", description = "Use the first N training images (0 = all).")
    int limitTrain;

    @Override
    public Integer call() throws Exception {
        if ((classifier == null) == (torchClassifier == null)) { // before minutes of loading data
            throw new IllegalArgumentException("give one of --classifier DIR and --torch-classifier FILE");
        }
        int epochs = switch (schedule) {
            case "short" -> 1;
            case "reference" -> 30;
            default -> throw new IllegalArgumentException("--schedule = '" + schedule + "', expected short or reference");
        };
        List<Mode> parsed = modes.stream().map(Mode::parse).toList();
        CompressionConfig base = CompressionConfig.reference(parsed.get(0), dim, levels, encoderLambda, seed).withEpochs(epochs);
        HadoopFiles files = HadoopFiles.local();
        LabeledImages train = IdxDataset.load(files, data, Split.TRAIN);
        LabeledImages test = IdxDataset.load(files, data, Split.TEST);
        String checksum = DatasetChecksum.of(train, test);
        if (limitTrain > 0) train = train.head(limitTrain);
        MultiLayerNetwork clf = classifier(files, checksum);
        List<FidelityRun.Row> rows = new FidelityRun(files, out, clf, train, test, checksum).run(parsed, base, encoderLambda);
        System.out.println(FidelityRun.CSV_HEADER);
        rows.forEach(r -> System.out.println(r.csv()));
        return 0;
    }

    private MultiLayerNetwork classifier(HadoopFiles files, String checksum) throws IOException {
        if (torchClassifier != null) {
            try (InputStream in = files.open(torchClassifier)) {
                return TorchClassifier.load(Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), torchClassifier), torchClassifier);
            }
        }
        ModelStore store = new ModelStore(files);
        String trainedOn = store.metadata(classifier).getString("dataset_checksum");
        if (!trainedOn.equals(checksum)) {
            System.err.println("warning: the classifier at " + classifier + " was trained on other data (dataset_checksum " + trainedOn + ")");
        }
        return store.loadMultiLayer(classifier);
    }
}
