package org.unirep.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns raw images into DL4J minibatches: features [n, 784] float in [0,1] (no normalisation, as
 * in the reference), labels one-hot [n, 10]. The compact form keeps pixels as INT8 (pixel - 128; 4x smaller
 * on disk and over the network; ND4J has no byte[] -> UINT8 constructor) and is widened by {@link #widen(DataSet)} just before training.
 */
public final class Minibatches {
    private Minibatches() {}

    /** Items [from, to) as a float DataSet. */
    public static DataSet toDataSet(LabeledImages data, int from, int to) {
        int p = data.pixelsPerImage(), n = to - from;
        byte[] px = new byte[n * p];
        for (int j = 0; j < n; j++) data.copyImage(from + j, px, j * p);
        return widen(compact(px, java.util.Arrays.copyOfRange(data.labels(), from, to), 0, n, p));
    }

    public static DataSet toDataSet(LabeledImages data) {
        return toDataSet(data, 0, data.count());
    }

    /** Items [from, to) with pixels as INT8 (value - 128) and labels as INT8 class indices [n,1]. */
    public static DataSet compact(byte[] pixels, byte[] labels, int from, int to, int pixelsPerImage) {
        int n = to - from;
        byte[] px = new byte[n * pixelsPerImage];
        System.arraycopy(pixels, from * pixelsPerImage, px, 0, px.length);
        byte[] lb = new byte[n];
        System.arraycopy(labels, from, lb, 0, n);
        for (int i = 0; i < px.length; i++) px[i] = (byte) ((px[i] & 0xFF) - 128);
        INDArray f = Nd4j.createFromArray(px).reshape('c', n, pixelsPerImage);
        INDArray l = Nd4j.createFromArray(lb).reshape('c', n, 1);
        return new DataSet(f, l);
    }

    /** Compact -> training form; a float DataSet passes through unchanged. */
    public static DataSet widen(DataSet ds) {
        if (ds.getFeatures().dataType() != DataType.INT8) return ds;
        INDArray f = ds.getFeatures().castTo(DataType.FLOAT).addi(128.0f).divi(255.0f);
        INDArray idx = ds.getLabels().castTo(DataType.INT32);
        int n = (int) idx.size(0);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, n, DatasetName.CLASSES);
        for (int i = 0; i < n; i++) oneHot.putScalar(i, idx.getInt(i, 0), 1.0f);
        return new DataSet(f, oneHot);
    }

    /** Items order[from..to) as one float minibatch (the training loop cuts its epoch with this). */
    public static DataSet batch(LabeledImages data, int[] order, int from, int to) {
        int p = data.pixelsPerImage();
        int n = to - from;
        byte[] px = new byte[n * p];
        byte[] lb = new byte[n];
        for (int j = 0; j < n; j++) {
            int i = order[from + j];
            data.copyImage(i, px, j * p);
            lb[j] = data.labels()[i];
        }
        return widen(compact(px, lb, 0, n, p));
    }

    /** A seeded permutation of [0, n): the same seed gives the same order on every JVM. */
    public static int[] permutation(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
        return a;
    }
}
