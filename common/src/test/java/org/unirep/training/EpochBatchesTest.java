package org.unirep.training;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;

class EpochBatchesTest {
    static final int N = 200, B = 64;

    /** Image k has first pixel k and label k % 10, so a minibatch shows which examples it holds. */
    static LabeledImages numbered() {
        byte[] pixels = new byte[N * 784], labels = new byte[N];
        for (int k = 0; k < N; k++) {
            pixels[k * 784] = (byte) k;
            labels[k] = (byte) (k % 10);
        }
        return new LabeledImages(Split.TRAIN, 28, 28, pixels, labels);
    }

    static Set<Set<Integer>> compositions(EpochBatches e) {
        Set<Set<Integer>> all = new HashSet<>();
        for (int i = 0; i < e.count(); i++) {
            Set<Integer> b = new HashSet<>();
            for (int k : e.examples(i)) b.add(k);
            all.add(b);
        }
        return all;
    }

    @Test
    void everyExampleOnceInConsecutiveMinibatchesTheLastOneShort() {
        EpochBatches e = EpochBatches.of(numbered(), new Seeds(1), 0, B);
        assertEquals(4, e.count());
        int[] seen = new int[N];
        for (int i = 0; i < e.count(); i++) {
            int[] ex = e.examples(i);
            assertEquals(i < 3 ? B : N - 3 * B, ex.length);
            DataSet d = e.batch(i);
            assertEquals(ex.length, d.getFeatures().size(0));
            for (int j = 0; j < ex.length; j++) {
                seen[ex[j]]++;
                assertEquals((ex[j] & 0xFF) / 255.0, d.getFeatures().getDouble(j, 0), 1e-6, "the pixels of example " + ex[j]);
                assertEquals(1.0, d.getLabels().getDouble(j, ex[j] % 10), "its one-hot label");
            }
        }
        assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "each example exactly once");
    }

    @Test
    void examplesTravelWithOtherCompanionsEachEpochTheSameForTheSameSeed() {
        LabeledImages data = numbered();
        Set<Set<Integer>> e0 = compositions(EpochBatches.of(data, new Seeds(1), 0, B));
        Set<Set<Integer>> e1 = compositions(EpochBatches.of(data, new Seeds(1), 1, B));
        Set<Set<Integer>> common = new HashSet<>(e0);
        common.retainAll(e1);
        assertTrue(common.isEmpty(), "no minibatch of epoch 1 holds the same examples as one of epoch 0");
        assertEquals(e1, compositions(EpochBatches.of(data, new Seeds(1), 1, B)), "same seed, same epoch: same minibatches");
        assertArrayEquals(EpochBatches.of(data, new Seeds(1), 1, B).examples(2), EpochBatches.of(data, new Seeds(1), 1, B).examples(2));
        assertNotEquals(e1, compositions(EpochBatches.of(data, new Seeds(2), 1, B)), "another seed: other minibatches");
    }
}
