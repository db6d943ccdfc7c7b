package org.unirep.jobs.fanout;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.results.ModelRef;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.spark.Cancellation;
import org.unirep.training.Checkpoint;
import org.unirep.training.EpochCheckpoints;
import org.unirep.training.LocalEpochFitter;
import org.unirep.training.Failures;
import org.unirep.training.RunStatus;
import org.unirep.training.TrainingRun;

/**
 * Trains one fan-out point in this JVM (inside a Spark task): a universal decoder on its frozen
 * shared encoder (critic started from the encoder model's), or an end-to-end baseline, through the one
 * training loop ({@link TrainingRun}). Never
 * throws: an exception, an out-of-memory error or a NaN becomes a failed or diverged record.
 */
public final class PointTrainer {
    private static final Logger log = LoggerFactory.getLogger(PointTrainer.class);

    private PointTrainer() {}

    /** {@code encoder}: a universal point's shared encoder, as its runs row names it (checked before use). */
    public static RunRecord train(GridPoint p, String sweepId, int attempt, HadoopFiles files, ResultsLayout layout,
                                  LabeledImages train, LabeledImages test, MultiLayerNetwork classifier, String device,
                                  FaultInjection faults, ModelRef encoder) {
        long start = System.currentTimeMillis();
        String runId = p.runId();
        try {
            faults.failIfInjected(p);
            CompressionConfig c = p.compressionConfig();
            EpochCheckpoints epochs = new EpochCheckpoints(files, layout.resume(sweepId, runId));
            EpochCheckpoints.Start begin = epochs.resumeOr(c, classifier, () -> {
                if (!p.universal()) return TrainingRun.endToEnd(c, classifier);
                if (encoder == null) throw new IllegalStateException("universal point without its encoder's model (run " + p.encoderRunId() + ")");
                String why = encoder.check(files, p.encoderRunId());
                if (why != null) throw new IllegalStateException("its encoder's model " + encoder.path() + " cannot be used: " + why);
                Checkpoint.Loaded enc = Checkpoint.load(files, encoder.path());
                return TrainingRun.universal(c, classifier, enc.net(), enc.critic());
            });
            TrainingRun run = begin.run();
            EpochCheckpoints.Progress from = begin.from();
            log.info("[{}] {} attempt {}: training on {} images{}", runId, p.label(), attempt, train.count(),
                    from.epochsDone() == 0 ? "" : ", resuming after epoch " + from.epochsDone() + " (" + epochs.dir() + ")");
            TrainingRun.Result r = run.named("[" + runId + "] " + p.label()).train(new LocalEpochFitter(train), test, from, epochs);
            long end = System.currentTimeMillis();
            if (r.status() == RunStatus.DIVERGED) {
                epochs.clear();
                return RunRecords.of(p, sweepId, attempt, RunStatus.DIVERGED, r.error(), start, end, device, null, r.metrics());
            }
            String dir = layout.model(sweepId, runId);
            Checkpoint.save(files, dir, run.net(), run.critic(), RunRecords.metadata(p, sweepId, RunStatus.OK, r.metrics(), r.seconds()));
            epochs.clear();
            return RunRecords.of(p, sweepId, attempt, RunStatus.OK, null, start, System.currentTimeMillis(), device,
                    ModelRef.of(files, dir), r.metrics());
        } catch (Throwable t) { // OutOfMemoryError included: one point fails, the sweep goes on
            if (Cancellation.isCancellation(t)) {
                // The sweep was cancelled: no row; the next submission trains this point.
                throw new CancellationException(p.label() + ": cancelled");
            }
            log.error("[" + runId + "] " + p.label() + " failed", t);
            return RunRecords.of(p, sweepId, attempt, Failures.status(t), t.getClass().getSimpleName() + ": " + t.getMessage(), start,
                    System.currentTimeMillis(), device, null, List.of());
        }
    }
}
