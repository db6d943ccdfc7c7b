package org.unirep.jobs.encoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionEvaluator;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Objective;
import org.unirep.data.CompactMultiDataSetLoader;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.sweep.GridPoint;

/**
 * Stage 1: one shared encoder, i.e. the end-to-end model at the mode's encoder lambda, trained
 * data-parallel over the exported training minibatches. RDC uses DL4J's parameter averaging
 * (ParameterAveragingTrainingMaster: weights and Adam state averaged every {@code averagingFrequency}
 * minibatches per worker). RDP trains generator and critic together with the same scheme written
 * out for both networks ({@link AdversarialAveraging}). Each epoch reshuffles the minibatch order
 * with the seed and ends with a test evaluation in the driver. The model (+ critic) is saved under
 * {@code models/RUN_ID}; the returned record is committed by the caller.
 */
public final class SharedEncoderJob {
    private static final Logger log = LoggerFactory.getLogger(SharedEncoderJob.class);

    private SharedEncoderJob() {}

    public static RunRecord train(JavaSparkContext jsc, HadoopFiles files, ResultsLayout layout, GridPoint p, String sweepId,
                                  int attempt, List<String> minibatches, LabeledImages test, MultiLayerNetwork classifier,
                                  List<String> failPoints, String description) {
        long start = System.currentTimeMillis();
        List<EpochMetrics> history = new ArrayList<>();
        String runId = p.runId();
        try {
            p.failIfInjected(failPoints);
            CompressionConfig c = p.compressionConfig();
            boolean rdp = c.objective() == Objective.RDP;
            ComputationGraph net = CompressionModel.create(c, classifier, false);
            CriticGraph critic = null;
            SparkComputationGraph sparkNet = null;
            if (rdp) {
                critic = CriticGraph.reference(c.seed() + 1).trainWith(c.criticLearningRate(), c.beta1(), c.beta2());
                CompressionModel.loadCritic(net, critic);
            } else {
                ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(p.workers(), c.batchSize())
                        .batchSizePerWorker(c.batchSize())
                        .averagingFrequency(p.averagingFrequency())
                        .workerPrefetchNumBatches(2)
                        .saveUpdater(true)
                        .rngSeed(c.seed())
                        .rddTrainingApproach(RDDTrainingApproach.Direct)
                        // No shuffle: record order after a Spark shuffle depends on fetch timing, and
                        // the same seed must give the same encoder. The paths RDD is already balanced.
                        .repartionData(org.deeplearning4j.spark.api.Repartition.Never)
                        .trainingHooks(java.util.List.of(new DitherKeyHook()))
                        .build();
                sparkNet = new SparkComputationGraph(jsc, net, tm);
            }
            log.info("[{}] {}: stage 1 on {} minibatches, {} workers, averaging every {}", runId, p.label(), minibatches.size(),
                    p.workers(), p.averagingFrequency());
            for (int epoch = 0; epoch < c.epochs(); epoch++) {
                List<String> order = new ArrayList<>(minibatches);
                Collections.shuffle(order, new Random(c.seed() * 31 + epoch));
                String what = description + " epoch " + (epoch + 1) + "/" + c.epochs();
                double loss;
                if (rdp) {
                    net.getConfiguration().setEpochCount(epoch);
                    loss = AdversarialAveraging.epoch(jsc, files, net, critic, order, p.workers(), p.averagingFrequency(),
                            c.seed() * 31 + epoch, what);
                } else {
                    sparkNet.getNetwork().getConfiguration().setEpochCount(epoch); // drives the lr schedule
                    jsc.setJobDescription(what);
                    sparkNet.fitPaths(jsc.parallelize(order, p.workers()), new CompactMultiDataSetLoader(true));
                    net = sparkNet.getNetwork();
                    loss = sparkNet.getScore();
                }
                if (!Double.isFinite(loss) || !Double.isFinite(net.params().sumNumber().doubleValue())) {
                    String msg = "loss became " + loss + " in epoch " + (epoch + 1) + " (lambda " + c.lambda() + ")";
                    log.warn("[{}] diverged: {}", runId, msg);
                    return RunRecords.of(p, sweepId, attempt, RunRecord.DIVERGED, msg, start, System.currentTimeMillis(), device(p), null,
                            history);
                }
                EpochMetrics m = CompressionEvaluator.evaluate(net, test, epoch + 1, critic, classifier);
                history.add(m);
                log.info("[{}] {} epoch {}/{}: train loss {}, test mse {}, ce {}, acc {}, w1 {}", runId, p.label(), epoch + 1,
                        c.epochs(), loss, m.mse(), m.ce(), m.accuracy(), m.w1());
                if (!Double.isFinite(m.mse())) {
                    return RunRecords.of(p, sweepId, attempt, RunRecord.DIVERGED, "test MSE is " + m.mse() + " after epoch " + (epoch + 1),
                            start, System.currentTimeMillis(), device(p), null, history);
                }
            }
            String dir = layout.model(runId);
            new ModelStore(files).save(dir, net, RunRecords.metadata(p, sweepId, RunRecord.OK, history,
                    (System.currentTimeMillis() - start) / 1000.0));
            if (critic != null) critic.save(files, HadoopFiles.join(dir, "critic.sd"));
            return RunRecords.of(p, sweepId, attempt, RunRecord.OK, null, start, System.currentTimeMillis(), device(p), files.qualify(dir),
                    history);
        } catch (Throwable t) {
            if (org.unirep.spark.Cancellation.isCancellation(t)) throw new java.util.concurrent.CancellationException("sweep cancelled in stage 1: " + t.getMessage());
            log.error("[" + runId + "] " + p.label() + " failed", t);
            return RunRecords.of(p, sweepId, attempt, RunRecord.FAILED, t.getClass().getSimpleName() + ": " + t.getMessage(), start,
                    System.currentTimeMillis(), device(p), null, history);
        }
    }

    private static String device(GridPoint p) {
        return "spark:" + p.workers() + " workers";
    }
}
