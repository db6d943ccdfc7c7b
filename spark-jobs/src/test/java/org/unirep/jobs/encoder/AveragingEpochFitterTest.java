package org.unirep.jobs.encoder;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierNet;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.spark.BroadcastImages;
import org.unirep.spark.LocalSpark;
import org.unirep.testing.TestData;
import org.unirep.training.Checkpoint;
import org.unirep.training.EpochCheckpoints;
import org.unirep.training.Evaluation;
import org.unirep.training.TrainingRun;

class AveragingEpochFitterTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static TrainingRun stage1(CompressionConfig c, LabeledImages train, LabeledImages test, int workers, int frequency,
                              List<TrainingRun.Result> out) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.session().sparkContext());
        Broadcast<LabeledImages> b = jsc.broadcast(train), t = test == null ? null : jsc.broadcast(test);
        TrainingRun run = TrainingRun.endToEnd(c, null);
        out.add(run.train(new AveragingEpochFitter(jsc, new BroadcastImages(b), t == null ? null : new BroadcastImages(t), workers, frequency, "test"), test)); // evaluated on an executor
        b.destroy();
        if (t != null) t.destroy();
        return run;
    }

    /** With one worker, stage 1 is local training: the same minibatches, steps, dither and Adam state, round after round. */
    @Test
    void oneWorkerTrainsExactlyAsLocalTraining() throws Exception {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 7).withEpochs(2);
        LabeledImages train = TestData.train().head(320); // 5 minibatches: rounds of 2 + 2 + 1
        TrainingRun local = TrainingRun.endToEnd(c, null);
        TrainingRun.Result l = local.train(train, null);
        List<TrainingRun.Result> r = new ArrayList<>();
        TrainingRun averaged = stage1(c, train, null, 1, 2, r);

        assertEquals(l.trainLoss(), r.get(0).trainLoss(), "generator loss per epoch");
        assertEquals(6, r.get(0).criticSteps(), "minibatches 0, 2, 4 of each epoch");
        assertEquals(4, r.get(0).generatorSteps(), "minibatches 1, 3 of each epoch");
        assertEquals(0.0, local.net().params().sub(averaged.net().params()).amaxNumber().doubleValue(), 0.0, "encoder and decoder");
        assertEquals(0.0, local.net().getUpdater().getStateViewArray().sub(averaged.net().getUpdater().getStateViewArray())
                .amaxNumber().doubleValue(), 0.0, "Adam's moments");
        assertEquals(local.net().getConfiguration().getIterationCount(), averaged.net().getConfiguration().getIterationCount());
        assertArrayEquals(local.critic().toBytes(), averaged.critic().toBytes(), "critic and its Adam state");
    }

    /**
     * Two workers averaging every 2 minibatches make half the sequential updates of one: after 2
     * epochs of 20 minibatches their test MSE stays within 10% of one worker's, both well below the
     * untrained model's (measured: untrained 0.203, W=1 0.1014, W=2 0.1033).
     */
    @Test
    void twoWorkersReachTheTestMseOfOneWithinTenPercent() throws Exception {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 3).withEpochs(2);
        LabeledImages train = TestData.train().head(1280), test = TestData.test().head(500);
        List<TrainingRun.Result> r = new ArrayList<>();
        stage1(c, train, test, 1, 2, r);
        stage1(c, train, test, 2, 2, r);
        TrainingRun init = TrainingRun.endToEnd(c, null);
        double untrained = Evaluation.evaluate(init.net(), test, 0, init.critic(), null, init.seeds()).mse();
        double one = r.get(0).last().mse(), two = r.get(1).last().mse();
        System.out.printf("test mse: untrained %.5f; after 2 epochs W=1 %.5f, W=2 %.5f (%+.1f%%)%n", untrained, one, two,
                100 * (two / one - 1));
        assertTrue(one < 0.6 * untrained && two < 0.6 * untrained, "both learn");
        assertEquals(one, two, 0.10 * one, "W=2 within 10% of W=1");
    }

    /**
     * With the test split broadcast, the driver runs no forward pass: the evaluation, the epoch
     * checkpoint and the model's save run in a task on the driver's networks, and give what they
     * give in the driver (the same metrics to the bit, the same saved parameters, Adam state and critic).
     */
    @Test
    void evaluationCheckpointAndSaveRunOnAnExecutorWithTheDriversNetworks(@TempDir Path dir) throws Exception {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 5).withEpochs(1);
        LabeledImages train = TestData.train().head(192), test = TestData.test().head(200);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.session().sparkContext());
        Broadcast<LabeledImages> b = jsc.broadcast(train), t = jsc.broadcast(test);
        TrainingRun run = TrainingRun.endToEnd(c, ClassifierNet.create(ClassifierConfig.reference())); // untrained: CE is measured all the same
        AveragingEpochFitter fitter = new AveragingEpochFitter(jsc, new BroadcastImages(b), new BroadcastImages(t), 2, 1, "test");
        run.beginEpoch(0);
        fitter.fit(run, 0);
        EpochMetrics there = fitter.evaluate(run, test, 0);
        EpochMetrics here = Evaluation.evaluate(run.net(), test, 1, run.critic(), run.classifier(), run.draws());
        assertEquals(here, there, "the executor's evaluation of the averaged networks");
        assertTrue(Double.isFinite(there.ce()), "RDP's CE from the classifier shipped to the task");

        HadoopFiles files = HadoopFiles.local();
        EpochCheckpoints cp = new EpochCheckpoints(files, dir.resolve("resume").toString());
        fitter.checkpoint(run, cp, new EpochCheckpoints.Progress(1, List.of(there), List.of(), 3, 0));
        EpochCheckpoints.Resumed back = cp.latest();
        assertEquals(1, back.progress().epochsDone());
        assertEquals(List.of(there), back.progress().history());
        assertEquals(0.0, run.net().params().sub(back.state().net().params()).amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, run.net().getUpdater().getStateViewArray().sub(back.state().net().getUpdater().getStateViewArray())
                .amaxNumber().doubleValue(), 0.0, "Adam's moments");
        assertArrayEquals(run.critic().toBytes(), back.state().critic().toBytes(), "critic and its Adam state");

        String model = dir.resolve("model").toString();
        fitter.save(run, files, model, Map.of("status", "ok"));
        assertTrue(Checkpoint.isComplete(files, model));
        assertEquals(0.0, run.net().params().sub(Checkpoint.load(files, model).net().params()).amaxNumber().doubleValue(), 0.0);
        b.destroy();
        t.destroy();
    }

    /** Two workers from the same start, different minibatches (one takes a second step): the driver gets their means. */
    @Test
    void theGeneratorBecomesTheWorkersMeanAndItsStepCountTheFurthest() {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.01, 1);
        TrainingRun start = TrainingRun.endToEnd(c, null);
        ComputationGraph driver = start.net();
        ComputationGraph a = driver.clone(), b = driver.clone();
        Nd4j.getRandom().setSeed(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
        TrainingRun ra = TrainingRun.of(c, a, start.critic().copy(), null), rb = TrainingRun.of(c, b, start.critic().copy(), null);
        ra.steps().step(0, 1, Nd4j.rand(DataType.FLOAT, 16, 784), y); // odd index: a generator step
        rb.steps().step(0, 1, Nd4j.rand(DataType.FLOAT, 16, 784), y);
        rb.steps().step(0, 3, Nd4j.rand(DataType.FLOAT, 16, 784), y);
        assertNotEquals(a.params(), b.params());

        AveragingEpochFitter.average(driver, List.of(AveragingEpochFitter.NetState.of(a), AveragingEpochFitter.NetState.of(b)));

        INDArray mean = a.params().add(b.params()).divi(2);
        assertEquals(0.0, driver.params().sub(mean).amaxNumber().doubleValue(), 1e-7, "weights and BatchNorm statistics");
        INDArray state = a.getUpdater().getStateViewArray().add(b.getUpdater().getStateViewArray()).divi(2);
        assertTrue(state.amaxNumber().doubleValue() > 0, "Adam's moments moved");
        assertEquals(0.0, driver.getUpdater().getStateViewArray().sub(state).amaxNumber().doubleValue(), 1e-9, "Adam's moments");
        assertEquals(2, b.getConfiguration().getIterationCount());
        assertEquals(2, driver.getConfiguration().getIterationCount(), "bias correction goes on from the furthest worker");
    }
}
