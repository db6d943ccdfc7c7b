package org.unirep.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unirep.data.IdxDataset;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;

/** Finds the real MNIST files for tests: -Dunirep.mnist.dir, ../shared/data/mnist, or data/mnist. */
public final class TestData {
    private static LabeledImages train, test;

    private TestData() {}

    public static Path mnistDir() {
        String prop = System.getProperty("unirep.mnist.dir");
        if (prop != null && Files.isRegularFile(Path.of(prop, "train-labels-idx1-ubyte.gz"))) return Path.of(prop);
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            for (Path c : new Path[] {p.resolve("../shared/data/mnist"), p.resolve("data/mnist")}) {
                if (Files.isRegularFile(c.resolve("train-labels-idx1-ubyte.gz"))) return c.normalize();
            }
        }
        throw new IllegalStateException("real MNIST files not found (looked for -Dunirep.mnist.dir, ../shared/data/mnist "
                + "and data/mnist above " + here + "); run `bin/unirep fetch --dest data/mnist` first");
    }

    public static synchronized LabeledImages train() throws IOException {
        if (train == null) train = IdxDataset.load(HadoopFiles.local(), mnistDir().toString(), Split.TRAIN);
        return train;
    }

    public static synchronized LabeledImages test() throws IOException {
        if (test == null) test = IdxDataset.load(HadoopFiles.local(), mnistDir().toString(), Split.TEST);
        return test;
    }
}
