package org.unirep.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.unirep.data.DatasetName;
import org.unirep.jobs.ingest.IngestJob;
import org.unirep.jobs.ingest.IngestOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "IDX files -> Parquet (split, index, label, pixels) in N shards + exported minibatches, verified.")
public class IngestCommand implements Callable<Integer> {
    @Mixin SparkOptions spark;

    @Option(names = "--dataset", description = {"mnist | fashion-mnist. Known files (by SHA-256) name themselves and a",
            "contradicting --dataset is refused; files of no known copy need it."})
    String dataset;

    @Option(names = "--source", required = true, paramLabel = "DIR", description = "Directory with the four IDX files (raw or .gz).")
    String source;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Ingest root (any Hadoop path).")
    String output;

    @Option(names = "--shards", defaultValue = "8", description = "Parquet files per split (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--seed", defaultValue = "42", description = "Shuffle seed of the training split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-sizes", defaultValue = "64,100", split = ",",
            description = "Minibatch sizes to export (default: ${DEFAULT-VALUE}: the compression models' and the classifier's).")
    List<Integer> batchSizes;

    @Option(names = "--limit-train", defaultValue = "0", description = "Keep the first N training images (0 = all).")
    int limitTrain;

    @Option(names = "--limit-test", defaultValue = "0", description = "Keep the first N test images (0 = all).")
    int limitTest;

    @Override
    public Integer call() throws Exception {
        IngestOptions o = new IngestOptions(dataset == null ? null : DatasetName.parse(dataset), source, output, shards, seed, batchSizes, limitTrain, limitTest);
        SparkSession s = spark.session("ingest");
        IngestJob.Report r = IngestJob.entryPoint(s, o);
        for (IngestJob.SplitReport sr : r.splits()) {
            System.out.printf("%-5s %6d rows  checksum %s  labels %s  minibatch files %s%n", sr.split(), sr.count(),
                    sr.checksum(), Arrays.toString(sr.labelHistogram()), sr.minibatchFiles());
        }
        System.out.printf("ingested %s into %s (%d shards, %.1f s), verified%n", r.dataset(), r.output(), r.shards(), r.seconds());
        return 0;
    }
}
