package org.unirep.jobs.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.DatasetChecksum;
import org.unirep.data.DatasetName;
import org.unirep.data.DataFetcher;
import org.unirep.data.IdxDataset;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.data.RowChecksum;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;
import scala.Tuple2;

/**
 * Ingest: IDX files -> a Parquet dataset of (split, index, label, pixels) in N shards per split,
 * plus exported compact minibatches (DL4J's fastest input for Spark training) and a manifest.
 *
 * <p>The training split is shuffled once with the seed, then cut into N contiguous shards, so each
 * shard is an i.i.d. sample; the test split keeps its order. After writing, the Parquet data is read
 * back and its row counts, label histogram and content checksum are compared with the source.
 * Re-running with the same options rewrites the same content.
 */
public final class IngestJob {
    private static final Logger log = LoggerFactory.getLogger(IngestJob.class);

    public static final StructType SCHEMA = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("pixels", DataTypes.BinaryType, false);

    private IngestJob() {}

    /** One image with its place in the written order. */
    record Item(int index, int label, byte[] pixels, int order) implements Serializable {}

    /** What was written and verified for one split. */
    public record SplitReport(String split, long count, long[] labelHistogram, String checksum,
                              String sourceSha256, Map<Integer, Integer> minibatchFiles) {}

    /** {@code rows} x {@code cols}: the images' shape, recorded in the manifest for every reader. */
    public record Report(DatasetName dataset, String output, int shards, int rows, int cols, List<SplitReport> splits, double seconds) {
        public SplitReport split(Split s) {
            return splits.stream().filter(r -> r.split.equals(s.id())).findFirst().orElseThrow();
        }
    }

    public static Report entryPoint(SparkSession spark, IngestOptions given) throws IOException {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(jsc.hadoopConfiguration());
        // Known files name their dataset, so a results row can never carry the wrong name.
        IngestOptions o = given.withDataset(new DataFetcher(files).identify(given.source(), given.dataset()));
        // Both splits are read and checked before anything is written.
        List<LabeledImages> sources = new ArrayList<>();
        for (Split split : Split.values()) {
            LabeledImages data = IdxDataset.load(files, o.source(), split);
            int limit = split == Split.TRAIN ? o.limitTrain() : o.limitTest();
            sources.add(limit > 0 ? data.head(limit) : data);
        }
        refuseForeignOutput(files, o.output());
        // Written to a staging sibling and published by renames: a failed run leaves the output as it was.
        String staging = sibling(o.output(), ".ingest-staging");
        if (files.exists(staging)) files.delete(staging);
        IngestLayout layout = new IngestLayout(staging);
        boolean published = false;
        try {
            List<SplitReport> reports = new ArrayList<>();
            for (LabeledImages data : sources) reports.add(ingestSplit(spark, jsc, files, layout, o, data));
            Report report = new Report(o.dataset(), files.qualify(o.output()), o.shards(), sources.get(0).rows(),
                    sources.get(0).cols(), reports, (System.nanoTime() - t0) / 1e9);
            files.writeString(layout.manifest(), Json.render(manifest(report, o, files.qualify(o.source()))));
            publish(files, staging, o.output());
            published = true;
            log.info("ingest of {} complete in {} s: {}", o.dataset(), String.format("%.1f", report.seconds()), o.output());
            return report;
        } finally {
            if (!published) {
                try {
                    files.delete(staging);
                } catch (IOException e) {
                    log.warn("could not remove the ingest staging folder {}: {}", staging, e.toString());
                }
            }
        }
    }

    /** Only an earlier ingest is replaced: an output folder holding anything else is refused, not deleted. */
    private static void refuseForeignOutput(HadoopFiles files, String output) throws IOException {
        if (!files.exists(output)) return;
        if (!files.status(output).isDirectory()) throw new IOException("ingest output " + output + " is a file; expected a folder");
        List<String> foreign = new ArrayList<>();
        for (FileStatus s : files.list(output)) {
            String n = s.getPath().getName();
            if (!n.startsWith(".") && !List.of("parquet", "minibatches", IngestLayout.MANIFEST).contains(n)) foreign.add(n);
        }
        if (!foreign.isEmpty()) {
            throw new IOException("ingest output " + output + " holds " + foreign + ", which an ingest does not write; choose an empty"
                    + " or new folder (an earlier ingest there is replaced)");
        }
    }

    /** Moves the finished staging folder into place; the previous ingest, if any, goes only once the new one is there. */
    private static void publish(HadoopFiles files, String staging, String output) throws IOException {
        String old = sibling(output, ".ingest-old");
        if (files.exists(old)) files.delete(old);
        if (files.exists(output) && !files.rename(output, old)) throw new IOException("could not move " + output + " aside to " + old);
        if (!files.rename(staging, output)) throw new IOException("could not move " + staging + " to " + output);
        files.delete(old);
    }

    /** A hidden sibling of {@code path}: {@code parent/.name.suffix}. */
    static String sibling(String path, String suffix) {
        Path p = new Path(path);
        return new Path(p.getParent(), "." + p.getName() + suffix).toString();
    }

    private static SplitReport ingestSplit(SparkSession spark, JavaSparkContext jsc, HadoopFiles files,
                                           IngestLayout layout, IngestOptions o, LabeledImages data) throws IOException {
        Split split = data.split();
        int n = data.count();
        int shards = Math.min(o.shards(), Math.max(1, n));
        int[] order = split == Split.TRAIN ? Minibatches.permutation(n, o.seed()) : identity(n);
        List<Tuple2<Integer, Item>> items = new ArrayList<>(n);
        for (int pos = 0; pos < n; pos++) {
            int i = order[pos];
            items.add(new Tuple2<>((int) ((long) pos * shards / n), new Item(i, data.label(i), data.image(i), pos)));
        }
        spark.sparkContext().setJobDescription("ingest " + o.dataset() + "/" + split.id() + ": shard " + n + " items");
        // HashPartitioner on an Integer key k sends it to partition k mod N: one shard per partition.
        JavaRDD<Item> sharded = JavaPairRDD.fromJavaRDD(jsc.parallelize(items, shards))
                .partitionBy(new HashPartitioner(shards))
                .values()
                .mapPartitions(IngestJob::sortByOrder, true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            spark.sparkContext().setJobDescription("ingest " + o.dataset() + "/" + split.id() + ": write Parquet");
            JavaRDD<Row> rows = sharded.map(it -> RowFactory.create(it.index(), it.label(), it.pixels()));
            spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Overwrite).parquet(layout.parquet(split));

            Map<Integer, Integer> filesPerBatch = new LinkedHashMap<>();
            for (int b : o.batchSizes()) {
                spark.sparkContext().setJobDescription("ingest " + o.dataset() + "/" + split.id() + ": export minibatches of " + b);
                String dir = layout.minibatches(split, b);
                if (files.exists(dir)) files.delete(dir);
                files.mkdirs(dir);
                long[] written = sharded.mapPartitionsWithIndex((shard, it) -> exportMinibatches(files, dir, shard, b, it), true)
                        .reduce((x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
                if (written[0] != n) {
                    throw new IllegalStateException("minibatch export to " + dir + " wrote " + written[0] + " items, expected " + n);
                }
                filesPerBatch.put(b, (int) written[1]);
            }
            return verify(spark, layout, data, filesPerBatch);
        } finally {
            sharded.unpersist(false);
        }
    }

    private static Iterator<Item> sortByOrder(Iterator<Item> it) {
        List<Item> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        list.sort(Comparator.comparingInt(Item::order));
        return list.iterator();
    }

    private static Iterator<long[]> exportMinibatches(HadoopFiles files, String dir, int shard, int batch, Iterator<Item> it)
            throws IOException {
        List<Item> buf = new ArrayList<>(batch);
        long items = 0, count = 0;
        int k = 0;
        while (it.hasNext()) {
            buf.add(it.next());
            if (buf.size() == batch || !it.hasNext()) {
                int p = buf.get(0).pixels().length;
                byte[] px = new byte[buf.size() * p];
                byte[] lb = new byte[buf.size()];
                for (int j = 0; j < buf.size(); j++) {
                    System.arraycopy(buf.get(j).pixels(), 0, px, j * p, p);
                    lb[j] = (byte) buf.get(j).label();
                }
                DataSet ds = Minibatches.compact(px, lb, 0, buf.size(), p);
                try (OutputStream out = files.create(HadoopFiles.join(dir, String.format("shard-%05d-%06d.bin", shard, k++)))) {
                    ds.save(out);
                }
                items += buf.size();
                count++;
                buf.clear();
            }
        }
        return List.of(new long[] {items, count}).iterator();
    }

    private static SplitReport verify(SparkSession spark, IngestLayout layout, LabeledImages data,
                                      Map<Integer, Integer> filesPerBatch) {
        Split split = data.split();
        spark.sparkContext().setJobDescription("ingest " + split.id() + ": verify Parquet");
        Dataset<Row> back = spark.read().parquet(layout.parquet(split));
        String splitId = split.id();
        long[] acc = back.javaRDD().map(r -> {
            long[] a = new long[2 + DatasetName.CLASSES];
            int label = r.getInt(1);
            a[0] = 1;
            a[1] = RowChecksum.row(splitId, r.getInt(0), label, (byte[]) r.get(2));
            a[2 + label] = 1;
            return a;
        }).reduce((x, y) -> {
            long[] z = new long[x.length];
            for (int i = 0; i < z.length; i++) z[i] = x[i] + y[i];
            return z;
        });
        long[] hist = Arrays.copyOfRange(acc, 2, acc.length);
        long expectedSum = RowChecksum.of(data);
        long[] expectedHist = data.labelHistogram(DatasetName.CLASSES);
        if (acc[0] != data.count() || acc[1] != expectedSum || !Arrays.equals(hist, expectedHist)) {
            throw new IllegalStateException("verification of " + layout.parquet(split) + " failed: read back "
                    + acc[0] + " rows, checksum " + RowChecksum.hex(acc[1]) + ", labels " + Arrays.toString(hist)
                    + "; expected " + data.count() + " rows, checksum " + RowChecksum.hex(expectedSum)
                    + ", labels " + Arrays.toString(expectedHist));
        }
        log.info("{}: {} rows verified, checksum {}, labels {}", layout.parquet(split), acc[0], RowChecksum.hex(acc[1]), Arrays.toString(hist));
        return new SplitReport(split.id(), acc[0], hist, RowChecksum.hex(acc[1]), data.sha256(), filesPerBatch);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static Map<String, Object> manifest(Report r, IngestOptions o, String source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", r.dataset().id());
        m.put("source", source);
        m.put("output", r.output());
        m.put("shards", r.shards());
        m.put("image_rows", r.rows());
        m.put("image_cols", r.cols());
        m.put("seed", o.seed());
        m.put("batch_sizes", o.batchSizes());
        m.put("limit_train", o.limitTrain());
        m.put("limit_test", o.limitTest());
        Map<String, Object> splits = new LinkedHashMap<>();
        for (SplitReport s : r.splits()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("count", s.count());
            sm.put("label_histogram", Arrays.stream(s.labelHistogram()).boxed().toList());
            sm.put("row_checksum", s.checksum());
            sm.put("content_sha256", s.sourceSha256());
            Map<String, Object> mb = new LinkedHashMap<>();
            s.minibatchFiles().forEach((b, c) -> mb.put("b" + b, c));
            sm.put("minibatch_files", mb);
            splits.put(s.split(), sm);
        }
        m.put("splits", splits);
        // One identity for "the data this model saw": recorded in every model's metadata.
        m.put("dataset_checksum", DatasetChecksum.of(r.split(Split.TRAIN).sourceSha256(), r.split(Split.TEST).sourceSha256()));
        m.put("seconds", Math.round(r.seconds() * 10) / 10.0);
        m.put("created_at", Instant.now().toString());
        return m;
    }
}
