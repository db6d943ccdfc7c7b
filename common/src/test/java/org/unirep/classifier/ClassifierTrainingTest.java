package org.unirep.classifier;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.unirep.data.LabeledImages;
import org.unirep.testing.TestData;

class ClassifierTrainingTest {

    @Test
    void shortTrainingOnRealSubsetBeats90Percent() throws IOException {
        LabeledImages train = TestData.train().head(4000);
        LabeledImages test = TestData.test().head(2000);
        // 120 SGD steps on 4k real images: short, but the momentum makes them count.
        ClassifierConfig c = new ClassifierConfig(3, 100, 0.05, 0.9, 7L);
        MultiLayerNetwork net = ClassifierTrainer.train(train, c);
        ClassifierEvaluator.Result r = ClassifierEvaluator.evaluate(net, test);
        assertTrue(r.accuracy() > 0.90, "accuracy " + r.accuracy());
        assertTrue(r.crossEntropy() < 0.4 && r.crossEntropy() > 0, "CE " + r.crossEntropy());
    }

    @Test
    void sameSeedGivesSameParameters() throws IOException {
        LabeledImages train = TestData.train().head(500);
        ClassifierConfig c = new ClassifierConfig(1, 100, 0.02, 0.9, 11L);
        MultiLayerNetwork a = ClassifierTrainer.train(train, c);
        MultiLayerNetwork b = ClassifierTrainer.train(train, c);
        assertEquals(a.params(), b.params());
        MultiLayerNetwork other = ClassifierTrainer.train(train, new ClassifierConfig(1, 100, 0.02, 0.9, 12L));
        assertNotEquals(a.params(), other.params());
    }

    @Test
    void refusesInvalidSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClassifierConfig(0, 100, 0.01, 0.5, 1));
        assertTrue(e.getMessage().contains("epochs = 0"));
        e = assertThrows(IllegalArgumentException.class, () -> new ClassifierConfig(1, 100, -1, 0.5, 1));
        assertTrue(e.getMessage().contains("learning rate = -1.0"));
    }
}
