package org.unirep.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The datasets this project reads: same IDX format, 28x28 grey images, 10 classes. */
public enum DatasetName {
    MNIST("mnist", 60_000, 10_000),
    FASHION_MNIST("fashion-mnist", 60_000, 10_000);

    public static final int ROWS = 28, COLS = 28, PIXELS = ROWS * COLS, CLASSES = 10;

    private final String id;
    private final int trainCount, testCount;

    DatasetName(String id, int trainCount, int testCount) {
        this.id = id;
        this.trainCount = trainCount;
        this.testCount = testCount;
    }

    public String id() { return id; }

    public int expectedCount(Split split) { return split == Split.TRAIN ? trainCount : testCount; }

    public static DatasetName parse(String s) {
        for (DatasetName d : values()) if (d.id.equalsIgnoreCase(s)) return d;
        throw new IllegalArgumentException("unknown dataset '" + s + "', expected one of "
                + Arrays.stream(values()).map(DatasetName::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() { return id; }
}
