package org.unirep.jobs.encoder;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.unirep.data.ImageSource;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.point.PointTrainer;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.RunRecord;

/**
 * Stage 1 for an encoder with more than one worker: the end-to-end model at the mode's encoder
 * lambda, trained by the sweep's one point runner ({@link PointTrainer}) with its epochs fitted by
 * parameter averaging ({@link AveragingEpochFitter}: generator and critic, weights and Adam state
 * averaged every {@code averagingFrequency} minibatches per worker) and each epoch's evaluation,
 * checkpoint and the final save run on an executor. A one-worker encoder is no job of its own: it
 * trains as an ordinary task, like a fan-out point (SweepJob). The returned record is committed by
 * the caller.
 */
public final class SharedEncoderJob {
    private SharedEncoderJob() {}

    public static RunRecord train(JavaSparkContext jsc, HadoopFiles files, ResultsLayout layout, GridPoint p, String sweepId,
                                  int attempt, ImageSource train, ImageSource test, MultiLayerNetwork classifier, FaultInjection faults,
                                  String description) {
        AveragingEpochFitter fitter = new AveragingEpochFitter(jsc, train, test, p.workers(), p.averagingFrequency(), description);
        // No test split in the driver: the fitter evaluates each epoch on an executor, which reads it there.
        return PointTrainer.train(p, sweepId, attempt, files, layout, fitter, null, classifier, "spark:" + p.workers() + " workers",
                faults, null);
    }
}
