package org.unirep.jobs.fanout;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CompressionTrainer;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.Objective;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.sweep.GridPoint;

/**
 * Trains one fan-out point in this JVM (inside a Spark task): a universal decoder on its frozen
 * shared encoder (RDP: critic started from the encoder model's), or an end-to-end baseline. Never
 * throws: an exception, an out-of-memory error or a NaN becomes a failed or diverged record.
 */
public final class PointTrainer {
    private static final Logger log = LoggerFactory.getLogger(PointTrainer.class);

    private PointTrainer() {}

    public static RunRecord train(GridPoint p, String sweepId, int attempt, HadoopFiles files, ResultsLayout layout,
                                  LabeledImages train, LabeledImages test, MultiLayerNetwork classifier, String device,
                                  List<String> failPoints) {
        long start = System.currentTimeMillis();
        String runId = p.runId();
        try {
            p.failIfInjected(failPoints);
            CompressionConfig c = p.compressionConfig();
            ComputationGraph net = CompressionModel.create(c, classifier, p.universal());
            ModelStore store = new ModelStore(files);
            CriticGraph critic = null;
            if (p.universal()) {
                String enc = layout.model(p.encoderRunId());
                CompressionModel.copyEncoder(store.loadGraph(enc), net);
                if (c.objective() == Objective.RDP) critic = CriticGraph.load(files, HadoopFiles.join(enc, "critic.sd"));
            } else if (c.objective() == Objective.RDP) {
                critic = CriticGraph.reference(c.seed() + 1);
            }
            if (critic != null) critic.trainWith(c.criticLearningRate(), c.beta1(), c.beta2());
            log.info("[{}] {} attempt {}: training on {} images", runId, p.label(), attempt, train.count());
            CompressionTrainer.Result r = CompressionTrainer.train(net, c, train, test, critic, classifier,
                    m -> log.info("[{}] {} epoch {}/{}: test mse {}, ce {}, acc {}", runId, p.label(), m.epoch(), c.epochs(),
                            m.mse(), m.ce(), m.accuracy()));
            long end = System.currentTimeMillis();
            if (r.status() == CompressionTrainer.Status.DIVERGED) {
                return RunRecords.of(p, sweepId, attempt, RunRecord.DIVERGED, r.error(), start, end, device, null, r.history());
            }
            String dir = layout.model(runId);
            store.save(dir, net, RunRecords.metadata(p, sweepId, RunRecord.OK, r.history(), r.seconds()));
            if (critic != null) critic.save(files, HadoopFiles.join(dir, "critic.sd"));
            return RunRecords.of(p, sweepId, attempt, RunRecord.OK, null, start, System.currentTimeMillis(), device,
                    files.qualify(dir), r.history());
        } catch (Throwable t) { // OutOfMemoryError included: one point fails, the sweep goes on
            if (org.unirep.spark.Cancellation.isCancellation(t)) {
                // The sweep was cancelled: no row; the next submission trains this point.
                throw new java.util.concurrent.CancellationException(p.label() + ": cancelled");
            }
            log.error("[" + runId + "] " + p.label() + " failed", t);
            return RunRecords.of(p, sweepId, attempt, RunRecord.FAILED, t.getClass().getSimpleName() + ": " + t.getMessage(), start,
                    System.currentTimeMillis(), device, null, List.of());
        }
    }
}
