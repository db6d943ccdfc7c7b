package org.unirep.training;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;

/**
 * The one way a model is trained, for every command that trains one (a sweep's encoders and
 * fan-out points, {@code fidelity}, {@code encoder-scaling}): the run starts from its last epoch
 * checkpoint or is built fresh, trains its epochs ({@link TrainingRun#train}: fitted by the given
 * {@link EpochFitter}, checkpointed after each), is saved with its metadata when it ends ok, and
 * its checkpoints are removed once it has ended (ok or diverged). Exceptions propagate: the caller
 * decides what a failure becomes.
 */
public final class ModelRunner {
    private static final Logger log = LoggerFactory.getLogger(ModelRunner.class);

    /** How a run ended: its networks, the loop's result, and whether the model was saved (ok, or diverged with {@link #savingDiverged}). */
    public record Outcome(TrainingRun run, TrainingRun.Result result, boolean saved) {
        public RunStatus status() { return result.status(); }

        /** The reported test metrics ({@link EpochMetrics#reported}). */
        public EpochMetrics reported() { return EpochMetrics.reported(result.history()); }
    }

    private final CompressionConfig config;
    private final MultiLayerNetwork classifier;
    private final EpochCheckpoints.Fresh fresh;
    private HadoopFiles files;
    private String name, checkpoints, modelDir;
    private Function<TrainingRun.Result, Map<String, ?>> metadata;
    private boolean saveDiverged;

    private ModelRunner(CompressionConfig config, MultiLayerNetwork classifier, EpochCheckpoints.Fresh fresh) {
        this.config = config;
        this.classifier = classifier;
        this.fresh = fresh;
    }

    /** A run of {@code c}, built by {@code fresh} unless a checkpoint holds it. */
    public static ModelRunner of(CompressionConfig c, MultiLayerNetwork classifier, EpochCheckpoints.Fresh fresh) {
        return new ModelRunner(c, classifier, fresh);
    }

    /** Names the run in its progress lines. */
    public ModelRunner named(String name) {
        this.name = name;
        return this;
    }

    /** Checkpoints every epoch to {@code dir} ({@link EpochCheckpoints}) and starts from the last one there. */
    public ModelRunner checkpointedIn(HadoopFiles files, String dir) {
        this.files = files;
        this.checkpoints = dir;
        return this;
    }

    /** Saves the model to {@code dir} ({@link Checkpoint}) when it ends ok, with the metadata {@code metadata} makes of its result. */
    public ModelRunner savedTo(HadoopFiles files, String dir, Function<TrainingRun.Result, Map<String, ?>> metadata) {
        this.files = files;
        this.modelDir = dir;
        this.metadata = metadata;
        return this;
    }

    /** Saves a diverged run too, with its metadata (its status and error say so): the fidelity check keeps what happened. */
    public ModelRunner savingDiverged() {
        this.saveDiverged = true;
        return this;
    }

    /** Trains in this thread on {@code train}. */
    public Outcome train(LabeledImages train, LabeledImages test) throws IOException {
        return train(new LocalEpochFitter(train), test);
    }

    /** Trains with {@code fitter}, evaluating on {@code test} after every epoch. */
    public Outcome train(EpochFitter fitter, LabeledImages test) throws IOException {
        EpochCheckpoints epochs = checkpoints == null ? null : new EpochCheckpoints(files, checkpoints);
        EpochCheckpoints.Start begin = epochs != null ? epochs.resumeOr(config, classifier, fresh)
                : new EpochCheckpoints.Start(fresh.build(), EpochCheckpoints.Progress.NONE);
        TrainingRun run = begin.run();
        if (name != null) run.named(name);
        int done = begin.from().epochsDone();
        log.info("{}: training {}{}", name != null ? name : config.mode().id() + " lambda=" + config.lambda(), fitter.describe(),
                done == 0 ? "" : ", resuming after epoch " + done + " (" + checkpoints + ")");
        TrainingRun.Result r = run.train(fitter, test, begin.from(), epochs);
        logMemory(run);
        boolean saved = modelDir != null && (r.status() == RunStatus.OK || saveDiverged);
        try {
            if (saved) fitter.save(run, files, modelDir, metadata.apply(r));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("saving the model to " + modelDir + ": " + e.getMessage(), e);
        }
        if (epochs != null) epochs.clear();
        return new Outcome(run, r, saved);
    }

    /**
     * What a run holds besides the heap, for sizing executors (each point running at once adds it):
     * ND4J's workspaces of this thread (the activations and gradients of its forward and backward
     * passes, kept between steps) and the whole JVM's resident memory (docs/performance.md, "Executor memory").
     */
    private void logMemory(TrainingRun run) {
        long ws = 0;
        StringBuilder each = new StringBuilder();
        for (org.nd4j.linalg.api.memory.MemoryWorkspace w : org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            ws += w.getCurrentSize();
            if (w.getCurrentSize() >= 1 << 20) each.append(each.length() == 0 ? "" : ", ").append(w.getId()).append(' ').append(w.getCurrentSize() >> 20).append(" MB");
        }
        // JavaCPP's Pointer.totalBytes() is not logged: ND4J's CPU arrays are allocated by libnd4j, so it reads 0.
        log.info("{}: memory: this thread's ND4J workspaces {} MB ({}); the JVM's resident set {} MB",
                name != null ? name : config.mode().id(), ws >> 20, each, org.bytedeco.javacpp.Pointer.physicalBytes() >> 20);
    }
}
