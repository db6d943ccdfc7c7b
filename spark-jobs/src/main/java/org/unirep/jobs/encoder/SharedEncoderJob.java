package org.unirep.jobs.encoder;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.Stage;
import org.unirep.jobs.results.ModelRef;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.spark.Cancellation;
import org.unirep.training.Checkpoint;
import org.unirep.training.EpochCheckpoints;
import org.unirep.training.Failures;
import org.unirep.training.RunStatus;
import org.unirep.training.TrainingRun;

/**
 * Stage 1: one shared encoder, i.e. the end-to-end model at the mode's encoder lambda, trained
 * data-parallel over the broadcast training set: the one training loop ({@link TrainingRun})
 * with its epochs fitted by parameter averaging ({@link AveragingEpochFitter}: generator and critic,
 * weights and Adam state averaged every {@code averagingFrequency} minibatches per worker), each
 * epoch ending with a test evaluation in the driver. The model (+ critic) is saved under
 * {@code models/SWEEP_ID/RUN_ID}; the returned record is committed by the caller.
 */
public final class SharedEncoderJob {
    private static final Logger log = LoggerFactory.getLogger(SharedEncoderJob.class);

    private SharedEncoderJob() {}

    public static RunRecord train(JavaSparkContext jsc, HadoopFiles files, ResultsLayout layout, GridPoint p, String sweepId,
                                  int attempt, Broadcast<LabeledImages> train, LabeledImages test, MultiLayerNetwork classifier,
                                  FaultInjection faults, String description) {
        long start = System.currentTimeMillis();
        String runId = p.runId();
        try {
            faults.failIfInjected(p);
            CompressionConfig c = p.compressionConfig();
            EpochCheckpoints epochs = new EpochCheckpoints(files, layout.resume(sweepId, runId));
            EpochCheckpoints.Start begin = epochs.resumeOr(c, classifier, () -> TrainingRun.endToEnd(c, classifier));
            TrainingRun run = begin.run();
            EpochCheckpoints.Progress from = begin.from();
            log.info("[{}] {}: stage 1 on {} images, {}, averaging every {} minibatches{}", runId, p.label(), train.value().count(),
                    p.workers() == 1 ? "1 worker" : p.workers() + " workers", p.averagingFrequency(),
                    from.epochsDone() == 0 ? "" : ", resuming after epoch " + from.epochsDone());
            TrainingRun.Result r = run.named("[" + runId + "] " + p.label()).train(
                    new AveragingEpochFitter(jsc, train, p.workers(), p.averagingFrequency(), description), test, from, epochs);
            if (r.status() == RunStatus.DIVERGED) {
                epochs.clear();
                return RunRecords.of(p, sweepId, attempt, RunStatus.DIVERGED, r.error(), start, System.currentTimeMillis(), device(p), null,
                        r.metrics());
            }
            String dir = layout.model(sweepId, runId);
            Checkpoint.save(files, dir, run.net(), run.critic(), RunRecords.metadata(p, sweepId, RunStatus.OK, r.metrics(),
                    (System.currentTimeMillis() - start) / 1000.0));
            epochs.clear();
            return RunRecords.of(p, sweepId, attempt, RunStatus.OK, null, start, System.currentTimeMillis(), device(p), ModelRef.of(files, dir),
                    r.metrics());
        } catch (Throwable t) {
            if (Cancellation.isCancellation(t)) throw new CancellationException("sweep cancelled in stage 1: " + t.getMessage());
            log.error("[" + runId + "] " + p.label() + " failed", t);
            return RunRecords.of(p, sweepId, attempt, Failures.status(t), t.getClass().getSimpleName() + ": " + t.getMessage(), start,
                    System.currentTimeMillis(), device(p), null, List.of());
        }
    }

    private static String device(GridPoint p) {
        return "spark:" + p.workers() + " workers";
    }
}
