package org.unirep.jobs.point;

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
import org.unirep.training.EpochFitter;
import org.unirep.training.Failures;
import org.unirep.training.ModelRunner;
import org.unirep.training.RunStatus;
import org.unirep.training.TrainingRun;

/**
 * Trains one point of a sweep, a shared encoder or a fan-out point, in this JVM: a universal
 * decoder on its frozen shared encoder (critic started from the encoder model's), or an end-to-end
 * model (a baseline, or an encoder), through the one runner ({@link ModelRunner}): resumed from its
 * epoch checkpoints, saved under the sweep's models. Inside a Spark task its epochs are fitted in
 * this thread; a shared encoder with more than one worker fits them by parameter averaging from the
 * driver (the fitter the caller passes). Never throws: an exception, an out-of-memory error or a
 * NaN becomes a failed, invalid or diverged record.
 */
public final class PointTrainer {
    private static final Logger log = LoggerFactory.getLogger(PointTrainer.class);

    private PointTrainer() {}

    /**
     * {@code encoder}: a universal point's shared encoder, as its runs row names it (checked before use);
     * {@code fitter}: fits the epochs ({@link org.unirep.training.LocalEpochFitter} in a task).
     */
    public static RunRecord train(GridPoint p, String sweepId, int attempt, HadoopFiles files, ResultsLayout layout,
                                  EpochFitter fitter, LabeledImages test, MultiLayerNetwork classifier, String device,
                                  FaultInjection faults, ModelRef encoder) {
        long start = System.currentTimeMillis();
        String runId = p.runId();
        try {
            faults.failIfInjected(p);
            CompressionConfig c = p.compressionConfig();
            String dir = layout.model(sweepId, runId);
            ModelRunner.Outcome o = ModelRunner.of(c, classifier, () -> {
                        if (!p.universal()) return TrainingRun.endToEnd(c, classifier);
                        if (encoder == null) throw new IllegalStateException("universal point without its encoder's model (run " + p.encoderRunId() + ")");
                        String why = encoder.check(files, p.encoderRunId());
                        if (why != null) throw new IllegalStateException("its encoder's model " + encoder.path() + " cannot be used: " + why);
                        Checkpoint.Loaded enc = Checkpoint.load(files, encoder.path());
                        return TrainingRun.universal(c, classifier, enc.net(), enc.critic());
                    })
                    .named("[" + runId + "] " + p.label() + " attempt " + attempt)
                    .checkpointedIn(files, layout.resume(sweepId, runId))
                    .savedTo(files, dir, r -> RunRecords.metadata(p, sweepId, RunStatus.OK, r.metrics(), r.seconds()))
                    .train(fitter, test);
            TrainingRun.Result r = o.result();
            return RunRecords.of(p, sweepId, attempt, r.status(), r.error(), start, System.currentTimeMillis(), device,
                    o.saved() ? ModelRef.of(files, dir) : null, r.metrics());
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
