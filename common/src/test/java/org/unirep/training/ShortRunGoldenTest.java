package org.unirep.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierEvaluator;
import org.unirep.classifier.ClassifierTrainer;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.testing.Golden;
import org.unirep.testing.TestData;

/**
 * The numbers of short seeded runs, pinned in {@code common/src/test/resources/golden/short-run.json}:
 * the classifier (1 epoch on 500 real digits); for each mode the untrained model's test metrics and
 * the loss of its first generator step (after one critic step); an RDC and an RDP end-to-end model
 * (1 epoch on 320 digits: 3 critic and 2 generator steps) and a universal RDP decoder on the latter's
 * encoder, each evaluated on the first 200 test digits. The other tests compare a run with another
 * run of the same JVM (same seed, same numbers); this one fails when a commit moves the numbers.
 *
 * <p>Regenerate (only when the numbers are meant to change) with
 * {@code mvn -B -o test -pl common -Dtest=ShortRunGoldenTest -Dunirep.golden.generate=true}, and commit
 * the file: the diff shows what moved ({@link Golden}, common/src/test/resources/golden/README.md).
 *
 * <p>Tolerances: {@link Golden#SAME_MACHINE} on the machine that pinned the values (two JVMs there
 * give the same doubles), {@link Golden#shortTraining} elsewhere, with the measurements it was set
 * from (this machine's oneDNN on AVX2 instead of AVX-512, against real changes: lr x1.1, Adam beta1
 * 0.55, soft-to-hard sigma 1.1, seed + 1; {@link #run(UnaryOperator)} makes such a change).
 */
class ShortRunGoldenTest {
    static final String NAME = "short-run";

    @Test
    void shortSeededRunsGiveThePinnedNumbers() throws Exception {
        Map<String, Double> now = run();
        Golden.assertMatches(Golden.values(NAME, () -> now), now, Golden.shortTraining(200), true);
    }

    static Map<String, Double> run() throws Exception {
        return run(c -> c);
    }

    /** The pinned runs with each compression config changed by {@code change} (measuring what a real change moves). */
    static Map<String, Double> run(UnaryOperator<CompressionConfig> change) throws Exception {
        LabeledImages train = TestData.train(), test = TestData.test().head(200);
        Map<String, Double> v = new TreeMap<>();
        MultiLayerNetwork classifier = ClassifierTrainer.train(train.head(500), new ClassifierConfig(1, 100, 0.05, 0.9, 1L));
        ClassifierEvaluator.Result c = ClassifierEvaluator.evaluate(classifier, test);
        v.put("classifier/ce", c.crossEntropy());
        v.put("classifier/accuracy", c.accuracy());

        for (Mode mode : Mode.values()) {
            // The untrained model (its seeded initialisation), and the first critic and generator steps of it.
            TrainingRun fresh = TrainingRun.endToEnd(change.apply(CompressionConfig.reference(mode, 3, 3, 0.015, 6L).withEpochs(1)), classifier);
            EpochMetrics m = Evaluation.evaluate(fresh.net(), test, 0, fresh.critic(), classifier, fresh.seeds());
            v.put(mode.id() + "/initial/mse", m.mse());
            v.put(mode.id() + "/initial/ce", m.ce());
            v.put(mode.id() + "/initial/w1", m.w1());
            fresh.beginEpoch(0);
            DataSet b = Minibatches.toDataSet(train, 0, 64);
            fresh.steps().step(0, 0, b.getFeatures(), b.getLabels());
            v.put(mode.id() + "/first_steps/generator_loss", fresh.steps().step(0, 1, b.getFeatures(), b.getLabels()).total());
        }

        TrainingRun rdc = TrainingRun.endToEnd(change.apply(CompressionConfig.reference(Mode.RDC, 3, 3, 0.015, 6L).withEpochs(1)), classifier);
        put(v, "rdc/end_to_end/0.015", rdc.train(train.head(320), test));
        TrainingRun rdp = TrainingRun.endToEnd(change.apply(CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 6L).withEpochs(1)), classifier);
        put(v, "rdp/end_to_end/0.015", rdp.train(train.head(320), test));
        TrainingRun universal = TrainingRun.universal(change.apply(CompressionConfig.reference(Mode.RDP, 3, 3, 0.0, 7L).withEpochs(1)), classifier,
                rdp.net(), rdp.critic());
        put(v, "rdp/universal/0.0", universal.train(train.head(320), test));
        return v;
    }

    static void put(Map<String, Double> v, String point, TrainingRun.Result r) {
        assertEquals(RunStatus.OK, r.status(), point + ": " + r.error());
        assertEquals(3, r.criticSteps(), point);
        assertEquals(2, r.generatorSteps(), point);
        EpochMetrics m = r.last();
        v.put(point + "/train_loss", r.trainLoss().get(0));
        v.put(point + "/mse", m.mse());
        v.put(point + "/ce", m.ce());
        v.put(point + "/accuracy", m.accuracy());
        v.put(point + "/w1", m.w1());
    }
}
