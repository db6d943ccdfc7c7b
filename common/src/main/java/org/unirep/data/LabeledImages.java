package org.unirep.data;

import java.io.Serializable;
import java.util.Arrays;
import org.unirep.io.Sha256;

/** One split in memory: n images of rows x cols unsigned bytes, and n labels. */
public record LabeledImages(Split split, int rows, int cols, byte[] pixels, byte[] labels) implements Serializable {

    public LabeledImages {
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels/labels mismatch: " + pixels.length + " pixels for "
                    + labels.length + " labels of " + rows + "x" + cols);
        }
    }

    public int count() { return labels.length; }

    public int pixelsPerImage() { return rows * cols; }

    public int label(int i) { return labels[i] & 0xFF; }

    public byte[] image(int i) {
        int p = pixelsPerImage();
        return Arrays.copyOfRange(pixels, i * p, (i + 1) * p);
    }

    public long[] labelHistogram(int classes) {
        long[] h = new long[classes];
        for (byte b : labels) h[b & 0xFF]++;
        return h;
    }

    /** The first {@code n} items (for small real subsets in tests and smoke runs). */
    public LabeledImages head(int n) {
        if (n >= count()) return this;
        return new LabeledImages(split, rows, cols, Arrays.copyOf(pixels, n * pixelsPerImage()), Arrays.copyOf(labels, n));
    }

    /** The items at {@code indices}, in that order. */
    public LabeledImages select(int[] indices) {
        int p = pixelsPerImage();
        byte[] px = new byte[indices.length * p];
        byte[] lb = new byte[indices.length];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(pixels, indices[j] * p, px, j * p, p);
            lb[j] = labels[indices[j]];
        }
        return new LabeledImages(split, rows, cols, px, lb);
    }

    /** SHA-256 over the label bytes then the pixel bytes: the identity of this split's content. */
    public String sha256() {
        return Sha256.hex(labels, pixels);
    }
}
