package org.unirep.jobs.plan;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Kind;
import org.unirep.compression.Mode;
import org.unirep.io.Sha256;
import org.unirep.training.TrainingRun;

/**
 * One model to train. Its run id is a hash of everything that determines the result (data and
 * classifier identity included), so the same point in a rerun has the same id and a changed
 * setting gives a new one. Universal points name their encoder by its run id.
 *
 * @param stage       stage 1 (shared encoder, parameter averaging) or 2 (fan-out, one task)
 * @param encoderRunId the shared encoder's run id (universal points), else null
 * @param workers     parameter-averaging workers (encoder stage; 0 elsewhere)
 */
public record GridPoint(Stage stage, Kind kind, Mode mode, String dataset, String datasetChecksum,
                        String classifierId, int dim, int levels, double lambda, double encoderLambda,
                        String encoderRunId, long seed, int epochs, int batchSize, Optimizer optimizer,
                        int trainExamples, int testExamples, int workers, int averagingFrequency) implements Serializable {

    public boolean universal() { return kind == Kind.UNIVERSAL; }

    public double rateBits() { return CompressionConfig.rateBits(dim, levels); }

    public CompressionConfig compressionConfig() {
        return new CompressionConfig(mode, dim, levels, lambda, seed, epochs, batchSize, optimizer.learningRate(),
                optimizer.criticLearningRate(), optimizer.beta1(), optimizer.beta2(), optimizer.sigma());
    }

    /** Everything that determines the trained model, in a fixed order (the run id hashes this). */
    public Map<String, Object> identity() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage.id());
        m.put("kind", kind.id());
        m.put("mode", mode.id());
        m.put("dataset", dataset);
        m.put("dataset_checksum", datasetChecksum);
        m.put("classifier", classifierId);
        m.put("dim", dim);
        m.put("levels", levels);
        m.put("lambda", lambda);
        m.put("encoder_lambda", encoderLambda);
        m.put("encoder_run_id", encoderRunId);
        m.put("seed", seed);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("learning_rate", optimizer.learningRate());
        m.put("critic_learning_rate", optimizer.criticLearningRate());
        m.put("beta1", optimizer.beta1());
        m.put("beta2", optimizer.beta2());
        m.put("sigma", optimizer.sigma());
        m.put("train_examples", trainExamples);
        m.put("test_examples", testExamples);
        m.put("workers", workers);
        m.put("averaging_frequency", averagingFrequency);
        m.put("training_loop", TrainingRun.LOOP_VERSION);
        // Stage 1 once fitted fixed exported minibatches; since it reshuffles every epoch its encoders are new runs
        // (and so are their universal points, through encoder_run_id). Fan-out ids are unchanged.
        if (stage == Stage.ENCODER) m.put("stage1_batches", "reshuffled-per-epoch");
        return m;
    }

    /** 16 hex digits of SHA-256 over {@link #identity()}. */
    public String runId() {
        return Sha256.hex(identity().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** For logs and the Spark UI, e.g. "universal rdc (3,3) 4.75 bits lambda=0.001 seed=1". */
    public String label() {
        return String.format("%s %s (%d,%d) %.2f bits lambda=%s seed=%d", kind.id(), mode.id(), dim, levels, rateBits(),
                lambda, seed);
    }
}
