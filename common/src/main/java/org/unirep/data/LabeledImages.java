package org.unirep.data;

import java.io.Serializable;
import java.util.Arrays;
import org.unirep.io.Sha256;

/**
 * One split in memory: n images of rows x cols unsigned bytes, and n labels. Pixels sit in chunks
 * of whole images, each one {@code byte[]} of at most {@link #CHUNK_BYTES}, and every offset is a
 * long: a split is not capped at 2^31 pixels (2.7M MNIST images), and any image shape fits.
 */
public final class LabeledImages implements Serializable {
    /** The most bytes one pixel chunk holds (1 GiB: a Java array's limit is 2 GiB). */
    public static final long CHUNK_BYTES = 1L << 30;

    private final Split split;
    private final int rows, cols, perChunk;
    private final byte[][] chunks;
    private final byte[] labels;

    /** A split whose pixels are one array ({@code labels.length * rows * cols} bytes). */
    public LabeledImages(Split split, int rows, int cols, byte[] pixels, byte[] labels) {
        this(split, rows, cols, new byte[][] {pixels}, Math.max(1, labels.length), labels);
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels/labels mismatch: " + pixels.length + " pixels for "
                    + labels.length + " labels of " + rows + "x" + cols);
        }
    }

    private LabeledImages(Split split, int rows, int cols, byte[][] chunks, int perChunk, byte[] labels) {
        checkShape(rows, cols);
        this.split = split;
        this.rows = rows;
        this.cols = cols;
        this.chunks = chunks;
        this.perChunk = perChunk;
        this.labels = labels;
    }

    /** n zero images and labels to fill with {@link #set}, in chunks of at most {@code chunkBytes}. */
    public static LabeledImages allocate(Split split, int rows, int cols, int n, long chunkBytes) {
        checkShape(rows, cols);
        chunkBytes = Math.min(chunkBytes, Integer.MAX_VALUE - 8); // a Java array's limit
        long p = (long) rows * cols;
        if (p > chunkBytes) throw new IllegalArgumentException("an image of " + rows + "x" + cols + " exceeds a chunk of " + chunkBytes + " bytes");
        int perChunk = (int) Math.max(1, Math.min(Math.max(1, n), chunkBytes / p));
        int count = n == 0 ? 1 : (int) ((n + (long) perChunk - 1) / perChunk);
        byte[][] chunks = new byte[count][];
        for (int c = 0; c < count; c++) chunks[c] = new byte[(int) (Math.min(perChunk, n - (long) c * perChunk) * p)];
        return new LabeledImages(split, rows, cols, chunks, perChunk, new byte[n]);
    }

    private static void checkShape(int rows, int cols) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("image shape " + rows + "x" + cols + ": expected positive sizes");
    }

    public static LabeledImages allocate(Split split, int rows, int cols, int n) {
        return allocate(split, rows, cols, n, CHUNK_BYTES);
    }

    public Split split() { return split; }

    public int rows() { return rows; }

    public int cols() { return cols; }

    public byte[] labels() { return labels; }

    public int count() { return labels.length; }

    public int pixelsPerImage() { return rows * cols; }

    public int label(int i) { return labels[i] & 0xFF; }

    /** Image {@code i} and its label, written into this split (its pixels: {@link #pixelsPerImage()} bytes). */
    public void set(int i, int label, byte[] pixels) {
        if (pixels.length != pixelsPerImage()) {
            throw new IllegalArgumentException("image " + i + " has " + pixels.length + " pixels, expected " + rows + "x" + cols);
        }
        labels[i] = (byte) label;
        System.arraycopy(pixels, 0, chunks[i / perChunk], (i % perChunk) * pixelsPerImage(), pixels.length);
    }

    /** Copies image {@code i}'s pixels to {@code dest} at {@code offset}. */
    public void copyImage(int i, byte[] dest, int offset) {
        int p = pixelsPerImage();
        System.arraycopy(chunks[i / perChunk], (i % perChunk) * p, dest, offset, p);
    }

    public byte[] image(int i) {
        byte[] out = new byte[pixelsPerImage()];
        copyImage(i, out, 0);
        return out;
    }

    /** All pixels as one array (only while they fit one: tests and small splits). */
    public byte[] pixels() {
        if (chunks.length == 1) return chunks[0];
        long total = (long) count() * pixelsPerImage();
        if (total > Integer.MAX_VALUE - 8) throw new IllegalStateException(total + " pixels do not fit one array; read them by image");
        byte[] out = new byte[(int) total];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return out;
    }

    public long[] labelHistogram(int classes) {
        long[] h = new long[classes];
        for (byte b : labels) h[b & 0xFF]++;
        return h;
    }

    /** The first {@code n} items (for small real subsets in tests and smoke runs). */
    public LabeledImages head(int n) {
        if (n >= count()) return this;
        int[] first = new int[n];
        for (int i = 0; i < n; i++) first[i] = i;
        return select(first);
    }

    /** The items at {@code indices}, in that order. */
    public LabeledImages select(int[] indices) {
        LabeledImages out = allocate(split, rows, cols, indices.length, (long) perChunk * pixelsPerImage());
        int p = pixelsPerImage();
        for (int j = 0; j < indices.length; j++) {
            out.labels[j] = labels[indices[j]];
            copyImage(indices[j], out.chunks[j / out.perChunk], (j % out.perChunk) * p);
        }
        return out;
    }

    /** SHA-256 over the label bytes then the pixel bytes: the identity of this split's content (however it is chunked). */
    public String sha256() {
        byte[][] parts = new byte[chunks.length + 1][];
        parts[0] = labels;
        System.arraycopy(chunks, 0, parts, 1, chunks.length);
        return Sha256.hex(parts);
    }

    @Override
    public String toString() {
        return "LabeledImages[" + split.id() + ", " + count() + " images of " + rows + "x" + cols + "]";
    }
}
