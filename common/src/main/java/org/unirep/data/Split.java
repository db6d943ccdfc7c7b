package org.unirep.data;

/** The two splits of MNIST-format datasets, with the file-name prefix each uses. */
public enum Split {
    TRAIN("train", "train"),
    TEST("test", "t10k");

    private final String id;
    private final String filePrefix;

    Split(String id, String filePrefix) {
        this.id = id;
        this.filePrefix = filePrefix;
    }

    public String id() { return id; }

    public String imagesFile() { return filePrefix + "-images-idx3-ubyte"; }

    public String labelsFile() { return filePrefix + "-labels-idx1-ubyte"; }
}
