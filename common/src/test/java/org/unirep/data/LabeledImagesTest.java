package org.unirep.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.testing.TestData;

/** Pixels in chunks of whole images, offsets long: any chunking reads back as one array does. */
class LabeledImagesTest {

    /** 100 real digits copied into chunks of 7 images (784 * 7 bytes): the last chunk holds 2. */
    static LabeledImages chunked(LabeledImages one) {
        LabeledImages c = LabeledImages.allocate(one.split(), one.rows(), one.cols(), one.count(), 7L * one.pixelsPerImage());
        for (int i = 0; i < one.count(); i++) c.set(i, one.label(i), one.image(i));
        return c;
    }

    @Test
    void chunkedImagesGiveTheSameBatchesSubsetsAndChecksumAsOneArray() throws IOException {
        LabeledImages one = TestData.train().head(100), c = chunked(one);
        assertEquals(100, c.count());
        assertArrayEquals(one.pixels(), c.pixels(), "pixels, chunk after chunk");
        assertEquals(one.sha256(), c.sha256(), "the content's identity does not depend on the chunking");
        for (int i : new int[] {0, 6, 7, 13, 14, 99}) assertArrayEquals(one.image(i), c.image(i), "image " + i + " across chunk edges");

        int[] order = Minibatches.permutation(100, 5);
        DataSet a = Minibatches.batch(one, order, 10, 42), b = Minibatches.batch(c, order, 10, 42);
        assertEquals(a.getFeatures(), b.getFeatures());
        assertEquals(a.getLabels(), b.getLabels());
        assertEquals(Minibatches.toDataSet(one, 5, 30).getFeatures(), Minibatches.toDataSet(c, 5, 30).getFeatures());
        assertEquals(Minibatches.toDataSet(one, 5, 30).getLabels(), Minibatches.toDataSet(c, 5, 30).getLabels());

        assertArrayEquals(one.select(order).pixels(), c.select(order).pixels());
        assertArrayEquals(one.head(20).labels(), c.head(20).labels());
        assertEquals(one.head(20).sha256(), c.head(20).sha256());
    }

    @Test
    void aWrongImageSizeOrShapeIsRefusedNamingIt() {
        LabeledImages c = LabeledImages.allocate(Split.TEST, 28, 28, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.set(1, 3, new byte[100]));
        assertTrue(e.getMessage().contains("image 1 has 100 pixels, expected 28x28"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LabeledImages(Split.TEST, 28, 28, new byte[784], new byte[2]));
        assertTrue(e.getMessage().contains("784 pixels for 2 labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LabeledImages.allocate(Split.TEST, 0, 28, 3));
        assertTrue(e.getMessage().contains("image shape 0x28"), e.getMessage());
    }

    /** Another shape (32 x 32 x 1 byte) is held and batched as MNIST's is. */
    @Test
    void anotherImageShapeIsHeldAsIs() {
        LabeledImages c = LabeledImages.allocate(Split.TRAIN, 32, 32, 5, 2L * 1024);
        byte[] img = new byte[1024];
        img[1023] = (byte) 255;
        c.set(4, 9, img);
        assertEquals(1024, c.pixelsPerImage());
        assertEquals(9, c.label(4));
        assertEquals(1.0f, Minibatches.toDataSet(c, 4, 5).getFeatures().getFloat(0, 1023), 0f);
    }
}
