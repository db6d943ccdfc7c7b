package org.unirep.training;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.EpochMetrics;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;

/**
 * A run's state after each epoch, so that a run killed in epoch k starts again at epoch k and ends
 * with the numbers of an uninterrupted run: {@code DIR/epoch-K/} holds the network and the critic
 * with their Adam states ({@link Checkpoint}), and {@code DIR/latest.json}, written last and
 * atomically, names it with the history, train losses and step counts so far. No RNG state is
 * needed: every draw is keyed by (seed, epoch, step) ({@link Seeds}). Older epochs are removed
 * once a newer one is named.
 */
public final class EpochCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(EpochCheckpoints.class);
    static final String LATEST = "latest.json";

    /** What the epochs done so far produced. */
    public record Progress(int epochsDone, List<EpochMetrics> history, List<EpochMetrics> training, long criticSteps, long generatorSteps)
            implements java.io.Serializable {
        public static final Progress NONE = new Progress(0, List.of(), List.of(), 0, 0);
    }

    public record Resumed(Checkpoint.Loaded state, Progress progress) {}

    /** Where a run starts: its networks and the epochs already done. */
    public record Start(TrainingRun run, Progress from) {}

    /** Builds a new run (it may read files). */
    public interface Fresh {
        TrainingRun build() throws IOException;
    }

    /** The run from the last checkpoint if there is one, else {@code fresh} from epoch 1. */
    public Start resumeOr(CompressionConfig c, MultiLayerNetwork classifier, Fresh fresh) throws IOException {
        Resumed r = latest();
        if (r == null) return new Start(fresh.build(), Progress.NONE);
        return new Start(TrainingRun.of(c, r.state().net(), r.state().critic(), classifier), r.progress());
    }

    private final HadoopFiles files;
    private final String dir;

    public EpochCheckpoints(HadoopFiles files, String dir) {
        this.files = files;
        this.dir = dir;
    }

    public String dir() { return dir; }

    public HadoopFiles files() { return files; }

    /** The last complete checkpoint, or null if there is none (or it cannot be read: then it is removed, with a warning). */
    public Resumed latest() throws IOException {
        String latest = HadoopFiles.join(dir, LATEST);
        if (!files.exists(latest)) return null;
        try {
            return read(latest);
        } catch (Exception e) {
            log.warn("ignoring the damaged epoch checkpoint {} ({}); training from epoch 1", dir, e.toString());
            clear();
            return null;
        }
    }

    private Resumed read(String latest) throws IOException {
        Config c = Json.parse(files.readString(latest), latest);
        List<EpochMetrics> history = rows(c.getConfigList("history"));
        List<EpochMetrics> training = new ArrayList<>();
        if (c.hasPath("training")) {
            training = rows(c.getConfigList("training"));
        } else { // a checkpoint written before the loss parts: the total only
            List<String> loss = c.getStringList("train_loss");
            for (int i = 0; i < loss.size(); i++) {
                training.add(new EpochMetrics(i + 1, EpochMetrics.TRAIN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.parseDouble(loss.get(i))));
            }
        }
        Progress p = new Progress(c.getInt("epochs_done"), history, training, c.getLong("critic_steps"), c.getLong("generator_steps"));
        return new Resumed(Checkpoint.load(files, HadoopFiles.join(dir, c.getString("folder"))), p);
    }

    public void save(ComputationGraph net, CriticGraph critic, Progress p) throws IOException {
        String folder = "epoch-" + p.epochsDone();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs_done", p.epochsDone());
        m.put("folder", folder);
        m.put("history", json(p.history()));
        m.put("training", json(p.training()));
        m.put("critic_steps", p.criticSteps());
        m.put("generator_steps", p.generatorSteps());
        Checkpoint.save(files, HadoopFiles.join(dir, folder), net, critic, Map.of("epochs_done", p.epochsDone()));
        files.writeString(HadoopFiles.join(dir, LATEST), Json.render(m));
        CrashPoint.reach(CrashPoint.EPOCH_SAVED);
        for (FileStatus s : files.list(dir)) {
            if (s.isDirectory() && !s.getPath().getName().equals(folder)) files.delete(s.getPath().toString());
        }
    }

    public void clear() throws IOException {
        if (files.exists(dir)) files.delete(dir);
    }

    private static List<Map<String, Object>> json(List<EpochMetrics> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EpochMetrics e : rows) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("epoch", e.epoch());
            h.put("split", e.split());
            // As text: exact round trip, and NaN (not measured) survives JSON.
            h.put("mse", Double.toString(e.mse()));
            h.put("ce", Double.toString(e.ce()));
            h.put("accuracy", Double.toString(e.accuracy()));
            h.put("w1", Double.toString(e.w1()));
            h.put("perception", Double.toString(e.perception()));
            h.put("loss", Double.toString(e.loss()));
            out.add(h);
        }
        return out;
    }

    private static List<EpochMetrics> rows(List<? extends Config> json) {
        List<EpochMetrics> out = new ArrayList<>();
        for (Config h : json) {
            out.add(new EpochMetrics(h.getInt("epoch"), h.getString("split"), num(h, "mse"), num(h, "ce"), num(h, "accuracy"),
                    num(h, "w1"), num(h, "perception"), num(h, "loss")));
        }
        return out;
    }

    /** A metric as text; absent (a checkpoint written before the loss parts) = not measured. */
    private static double num(Config c, String key) {
        return c.hasPath(key) ? Double.parseDouble(c.getString(key)) : Double.NaN;
    }
}
