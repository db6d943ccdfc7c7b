package org.unirep.jobs.ingest;

import java.util.List;
import org.unirep.data.DatasetName;

/**
 * What the ingest job reads and writes.
 *
 * @param dataset     its name; null = named from the files, which must then be a known copy (by SHA-256)
 * @param source      directory with the four IDX files (raw or .gz), any Hadoop path
 * @param output      ingest root: parquet/, minibatches/ and _ingest.json land here
 * @param shards      number of Parquet files (and minibatch groups) per split
 * @param seed        order of the training split (shuffled once, so shards and minibatches are i.i.d.)
 * @param batchSizes  minibatch sizes to export for the training jobs
 * @param limitTrain  keep only the first N training items (0 = all): smoke runs on small real data
 * @param limitTest   likewise for the test split
 */
public record IngestOptions(DatasetName dataset, String source, String output, int shards, long seed,
                            List<Integer> batchSizes, int limitTrain, int limitTest) {

    public IngestOptions {
        if (shards < 1) throw new IllegalArgumentException("--shards = " + shards + ", expected >= 1");
        if (batchSizes.isEmpty()) throw new IllegalArgumentException("--batch-sizes is empty, expected at least one size");
        for (int b : batchSizes) {
            if (b < 1) throw new IllegalArgumentException("--batch-sizes holds " + b + ", expected sizes >= 1");
        }
        if (limitTrain < 0 || limitTest < 0) {
            throw new IllegalArgumentException("--limit-train/--limit-test must be >= 0 (0 = all)");
        }
    }

    public IngestOptions withDataset(DatasetName d) {
        return new IngestOptions(d, source, output, shards, seed, batchSizes, limitTrain, limitTest);
    }
}
