package org.unirep.jobs.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.unirep.io.HadoopFiles;

/** Before any training: the results root takes a write, and has room for the points this submission trains. */
public final class ResultsRootCheck {
    /**
     * What one trained point leaves behind: model.zip with its Adam state (the frozen classifier's
     * copy included), critic.sd with its own, metadata and two Parquet files; measured 14-26 MB for
     * the smoke sweep's (3,3) MNIST points, rounded up for the epoch checkpoint a point in training
     * keeps beside it.
     */
    static final long BYTES_PER_POINT = 32L << 20;

    private ResultsRootCheck() {}

    public static void writable(HadoopFiles files, ResultsLayout layout) throws IOException {
        String probe = HadoopFiles.join(layout.root(), "_leases/.probe-" + UUID.randomUUID());
        try {
            if (!files.createExclusive(probe, "probe".getBytes(StandardCharsets.UTF_8))) throw new IOException(probe + " exists");
            files.delete(probe);
        } catch (IOException | RuntimeException e) {
            throw new IOException("results root " + layout.root() + " is not writable (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); check sweep.results and its permissions", e);
        }
    }

    public static void space(HadoopFiles files, ResultsLayout layout, int pointsToTrain) throws IOException {
        String problem = spaceProblem(layout.root(), files.remainingBytes(layout.root()), pointsToTrain);
        if (problem != null) throw new IOException(problem);
    }

    static String spaceProblem(String root, long remaining, int pointsToTrain) {
        long need = pointsToTrain * BYTES_PER_POINT;
        if (remaining >= need) return null;
        return "results root " + root + " has " + (remaining >> 20) + " MB free; the " + pointsToTrain + " point(s) to train need about "
                + (need >> 20) + " MB (" + (BYTES_PER_POINT >> 20) + " MB each: model, critic, rows); free space or choose another sweep.results";
    }
}
