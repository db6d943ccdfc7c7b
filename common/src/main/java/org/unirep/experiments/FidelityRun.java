package org.unirep.experiments;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Kind;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;
import org.unirep.io.ModelStore;
import org.unirep.io.Sha256;
import org.unirep.training.Checkpoint;
import org.unirep.training.ModelRunner;
import org.unirep.training.RunStatus;
import org.unirep.training.TrainingRun;

/**
 * The fidelity check of the compression models at one rate: for each mode, end-to-end models at
 * lambda = 0 and at the encoder lambda (0.015), then a universal decoder at lambda = 0 on the frozen
 * encoder of the latter. Each model goes to {@code out/<mode>-<kind>-<lambda>/} with metadata;
 * {@code out/fidelity.csv} summarises them (columns documented in {@link #CSV_HEADER}).
 */
public final class FidelityRun {
    private static final Logger log = LoggerFactory.getLogger(FidelityRun.class);

    /**
     * mode (rdc|rdp), kind (end_to_end|universal), lambda, encoder_lambda (the lambda the encoder was
     * trained at), rate_bits, epochs, status (ok|diverged), and test metrics averaged over the last
     * min(3, epochs) epochs as the reference does: mse (per pixel), ce (nats), accuracy, w1; seconds.
     */
    public static final String CSV_HEADER = "mode,kind,lambda,encoder_lambda,rate_bits,epochs,status,mse,ce,accuracy,w1,seconds";

    public record Row(Mode mode, Kind kind, double lambda, double encoderLambda, double rateBits, int epochs,
                      RunStatus status, double mse, double ce, double accuracy, double w1, double seconds) {
        public String csv() {
            return String.join(",", mode.id(), kind.id(), num(lambda), num(encoderLambda), num(rateBits), String.valueOf(epochs),
                    status.id(), num(mse), num(ce), num(accuracy), num(w1), String.format("%.1f", seconds));
        }
    }

    private final HadoopFiles files;
    private final String out;
    private final MultiLayerNetwork classifier;
    private final LabeledImages train, test;
    private final String datasetChecksum;

    public FidelityRun(HadoopFiles files, String out, MultiLayerNetwork classifier, LabeledImages train, LabeledImages test,
                       String datasetChecksum) {
        this.files = files;
        this.out = out;
        this.classifier = classifier;
        this.train = train;
        this.test = test;
        this.datasetChecksum = datasetChecksum;
        this.classifierId = classifier == null ? "none" : Sha256.hex(classifier.params().dup().data().asBytes()).substring(0, 16);
    }

    private final String classifierId;

    /**
     * Everything that made a model: its config (mode, rate, lambda, seed, schedule, optimiser), its kind, the data
     * (checksum and how many images), the classifier's weights, the training loop's version, and for a universal
     * decoder its encoder's identity. A finished model is reused only when all of it matches.
     */
    Map<String, Object> identity(Kind kind, CompressionConfig c, String encoderIdentity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.id());
        m.put("config", c.toString());
        m.put("dataset_checksum", datasetChecksum);
        m.put("train_examples", train.count());
        m.put("test_examples", test.count());
        m.put("classifier", classifierId);
        m.put("training_loop", TrainingRun.LOOP_VERSION);
        if (encoderIdentity != null) m.put("encoder", encoderIdentity);
        return m;
    }

    public List<Row> run(List<Mode> modes, CompressionConfig base, double encoderLambda) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Mode mode : modes) {
            CompressionConfig c = base.withMode(mode);
            rows.add(train(Kind.END_TO_END, c.withLambda(0.0), null, null, encoderLambda, rows));
            ComputationGraph encoderModel = lastNet;
            CriticGraph baseCritic = lastCritic;
            if (encoderLambda != 0.0) {
                rows.add(train(Kind.END_TO_END, c.withLambda(encoderLambda), null, null, encoderLambda, rows));
                encoderModel = lastNet;
                baseCritic = lastCritic;
            }
            if (rows.get(rows.size() - 1).status() == RunStatus.OK) {
                // The universal model's critic starts from the base model's and trains on.
                rows.add(train(Kind.UNIVERSAL, c.withLambda(0.0), encoderModel, baseCritic, encoderLambda, rows));
            }
        }
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        rows.forEach(r -> csv.append(r.csv()).append('\n'));
        files.writeString(HadoopFiles.join(out, "fidelity.csv"), csv.toString());
        return rows;
    }

    private ComputationGraph lastNet;
    private CriticGraph lastCritic;
    private String lastIdentity;

    private Row train(Kind kind, CompressionConfig c, ComputationGraph encoderFrom, CriticGraph criticFrom, double encoderLambda,
                      List<Row> done) throws IOException {
        boolean universal = encoderFrom != null;
        String dir = HadoopFiles.join(out, c.mode().id() + "-" + kind.id() + "-" + num(c.lambda()));
        ModelStore store = new ModelStore(files);
        Map<String, Object> identity = identity(kind, c, universal ? lastIdentity : null);
        String identityJson = Json.render(identity);
        if (Checkpoint.isComplete(files, dir) && store.metadata(dir).getString("status").equals(RunStatus.OK.id())) {
            Config meta = store.metadata(dir);
            String made = meta.hasPath("identity") ? Json.render(meta.getConfig("identity").root().unwrapped()) : null;
            if (identityJson.equals(made)) return resume(dir, kind, c, universal ? encoderLambda : c.lambda(), identityJson);
            log.info("fidelity: {} was trained with other settings ({}), training it again", dir,
                    made == null ? "no identity recorded" : differences(identity, meta.getConfig("identity").root().unwrapped()));
        }
        log.info("fidelity: training {} {} at lambda {} ({} of the runs done)", c.mode().id(), kind.id(), c.lambda(), done.size());
        double encLambda = universal ? encoderLambda : c.lambda();
        ModelRunner.Outcome o = ModelRunner.of(c, classifier,
                        () -> universal ? TrainingRun.universal(c, classifier, encoderFrom, criticFrom) : TrainingRun.endToEnd(c, classifier))
                .savedTo(files, dir, r -> metadata(identity, kind, c, encLambda, r))
                .savingDiverged()
                .train(train, test);
        TrainingRun.Result r = o.result();
        lastNet = o.run().net();
        lastCritic = o.run().critic();
        lastIdentity = identityJson;
        EpochMetrics m = o.reported();
        Row row = new Row(c.mode(), kind, c.lambda(), encLambda, c.rateBits(), c.epochs(), r.status(), m.mse(), m.ce(), m.accuracy(), m.w1(),
                r.seconds());
        log.info("fidelity: {}", row.csv());
        return row;
    }

    /** The model's metadata.json: its identity, settings, status and per-epoch metrics. */
    private Map<String, Object> metadata(Map<String, Object> identity, Kind kind, CompressionConfig c, double encLambda, TrainingRun.Result r) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("identity", identity);
        meta.put("kind", kind.id());
        meta.put("mode", c.mode().id());
        meta.put("dim", c.dim());
        meta.put("levels", c.levels());
        meta.put("rate_bits", c.rateBits());
        meta.put("lambda", c.lambda());
        meta.put("encoder_lambda", encLambda);
        meta.put("seed", c.seed());
        meta.put("epochs", c.epochs());
        meta.put("batch_size", c.batchSize());
        meta.put("learning_rate", c.learningRate());
        meta.put("dataset_checksum", datasetChecksum);
        meta.put("status", r.status().id());
        if (r.error() != null) meta.put("error", r.error());
        meta.put("test_metrics", r.history().stream().map(EpochMetrics::toJson).toList());
        meta.put("train_metrics", r.training().stream().map(EpochMetrics::toJson).toList());
        meta.put("seconds", Math.round(r.seconds() * 10) / 10.0);
        return meta;
    }

    /** A model this run already finished (a rerun after a failure): loaded, not retrained. */
    private Row resume(String dir, Kind kind, CompressionConfig c, double encoderLambda, String identity) throws IOException {
        ModelStore store = new ModelStore(files);
        Config meta = store.metadata(dir);
        Checkpoint.Loaded done = Checkpoint.load(files, dir);
        lastNet = done.net();
        lastCritic = done.critic();
        lastIdentity = identity;
        List<EpochMetrics> hist = meta.getConfigList("test_metrics").stream().map(h -> new EpochMetrics(h.getInt("epoch"), EpochMetrics.TEST,
                num(h, "mse"), num(h, "ce"), num(h, "accuracy"), num(h, "w1"))).toList();
        EpochMetrics m = EpochMetrics.reported(hist);
        log.info("fidelity: {} is complete, reusing it", dir);
        return new Row(c.mode(), kind, c.lambda(), encoderLambda, c.rateBits(), c.epochs(), RunStatus.OK, m.mse(), m.ce(), m.accuracy(), m.w1(),
                meta.getDouble("seconds"));
    }

    /** "key: was -> now" for each setting that differs, for the log. */
    private static String differences(Map<String, Object> now, Map<String, Object> was) {
        List<String> d = new ArrayList<>();
        Set<String> keys = new TreeSet<>(now.keySet());
        keys.addAll(was.keySet());
        for (String k : keys) {
            Object a = was.get(k), b = now.get(k);
            if (a == null ? b != null : b == null || !a.toString().equals(b.toString())) d.add(k + ": " + a + " -> " + b);
        }
        return String.join("; ", d);
    }

    /** A metric of a metadata row; left out = not measured. */
    private static double num(Config row, String key) {
        return row.hasPath(key) ? row.getDouble(key) : Double.NaN;
    }

    static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
