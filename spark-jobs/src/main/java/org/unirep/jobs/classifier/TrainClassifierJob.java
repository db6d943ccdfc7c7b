package org.unirep.jobs.classifier;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierEvaluator;
import org.unirep.classifier.ClassifierNet;
import org.unirep.data.CompactDataSetLoader;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.io.ModelStore;
import org.unirep.jobs.ingest.IngestedData;

/**
 * Trains the frozen classifier c with DL4J's parameter averaging over the exported training
 * minibatches: each worker fits {@code averagingFrequency} minibatches, then parameters and
 * updater state are averaged. The minibatch order is reshuffled each epoch with the seed. After
 * each epoch the model is evaluated on the test split; the final model goes to the model store
 * with a metadata sidecar (dataset checksum, config, accuracy, history).
 */
public final class TrainClassifierJob {
    private static final Logger log = LoggerFactory.getLogger(TrainClassifierJob.class);

    private TrainClassifierJob() {}

    public record Result(MultiLayerNetwork net, ClassifierEvaluator.Result test, List<ClassifierEvaluator.Result> history, double seconds) {}

    public static Result entryPoint(SparkSession spark, TrainClassifierOptions o) throws IOException {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(jsc.hadoopConfiguration());
        IngestedData data = IngestedData.open(files, o.ingestRoot());
        ClassifierConfig c = o.config();
        List<String> paths = data.minibatchPaths(Split.TRAIN, c.batchSize());
        LabeledImages test = data.load(Split.TEST);
        int workers = o.workers() > 0 ? o.workers() : jsc.defaultParallelism();
        log.info("training classifier on {} with {} workers, averaging every {} minibatches, {} epochs",
                data.describe(), workers, o.averagingFrequency(), c.epochs());

        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(workers, c.batchSize())
                .batchSizePerWorker(c.batchSize())
                .averagingFrequency(o.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .saveUpdater(true)
                .rngSeed(c.seed())
                // Data is already exported minibatches; Direct avoids a second export on multi-JVM masters.
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, ClassifierNet.create(c), tm);

        List<ClassifierEvaluator.Result> history = new ArrayList<>();
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            long e0 = System.nanoTime();
            List<String> shuffled = new ArrayList<>(paths);
            Collections.shuffle(shuffled, new Random(c.seed() + epoch));
            spark.sparkContext().setJobDescription("train-classifier epoch " + (epoch + 1) + "/" + c.epochs());
            sparkNet.fitPaths(jsc.parallelize(shuffled, workers), new CompactDataSetLoader());
            ClassifierEvaluator.Result r = ClassifierEvaluator.evaluate(sparkNet.getNetwork(), test);
            history.add(r);
            log.info("classifier epoch {}/{}: test accuracy {}, CE {} nats ({} s)", epoch + 1, c.epochs(),
                    String.format("%.4f", r.accuracy()), String.format("%.4f", r.crossEntropy()),
                    String.format("%.1f", (System.nanoTime() - e0) / 1e9));
        }
        MultiLayerNetwork net = sparkNet.getNetwork();
        ClassifierEvaluator.Result last = history.get(history.size() - 1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        new ModelStore(files).save(o.modelDir(), net, metadata(o, data, workers, history, seconds));
        log.info("classifier saved to {}: test accuracy {}", o.modelDir(), last.accuracy());
        return new Result(net, last, history, seconds);
    }

    private static Map<String, Object> metadata(TrainClassifierOptions o, IngestedData data, int workers,
                                                List<ClassifierEvaluator.Result> history, double seconds) {
        ClassifierConfig c = o.config();
        ClassifierEvaluator.Result last = history.get(history.size() - 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "classifier");
        m.put("architecture", "conv5(10)-max2-conv5(10)-max2-fc100-fc10 (REFERENCE.md)");
        m.put("dataset", data.dataset().id());
        m.put("dataset_checksum", data.datasetChecksum());
        m.put("ingest_root", o.ingestRoot());
        m.put("train_examples", data.count(Split.TRAIN));
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("epochs", c.epochs());
        cfg.put("batch_size", c.batchSize());
        cfg.put("learning_rate", c.learningRate());
        cfg.put("momentum", c.momentum());
        cfg.put("seed", c.seed());
        cfg.put("workers", workers);
        cfg.put("averaging_frequency", o.averagingFrequency());
        m.put("config", cfg);
        m.put("test_examples", last.examples());
        m.put("test_accuracy", last.accuracy());
        m.put("test_ce_nats", last.crossEntropy());
        List<Map<String, Object>> h = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            h.add(Map.of("epoch", i + 1, "test_accuracy", history.get(i).accuracy(), "test_ce_nats", history.get(i).crossEntropy()));
        }
        m.put("history", h);
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        m.put("created_at", Instant.now().toString());
        return m;
    }
}
