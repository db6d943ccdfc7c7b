package org.unirep.jobs.ingest;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;

/** Reads what the ingest job wrote: its manifest, a split from its Parquet shards (without Spark), the exported minibatch paths. */
public final class IngestedData {
    private final HadoopFiles files;
    private final IngestLayout layout;
    private final Config manifest;

    private IngestedData(HadoopFiles files, IngestLayout layout, Config manifest) {
        this.files = files;
        this.layout = layout;
        this.manifest = manifest;
    }

    public static IngestedData open(HadoopFiles files, String root) throws IOException {
        IngestLayout layout = new IngestLayout(root);
        if (!files.exists(layout.manifest())) {
            throw new IOException("no complete ingest at " + root + " (" + IngestLayout.MANIFEST
                    + " is missing); run `unirep ingest --output " + root + "` first");
        }
        return new IngestedData(files, layout, Json.parse(files.readString(layout.manifest()), layout.manifest()));
    }

    public DatasetName dataset() { return DatasetName.parse(manifest.getString("dataset")); }

    public String datasetChecksum() { return manifest.getString("dataset_checksum"); }

    public long count(Split split) { return manifest.getLong("splits." + split.id() + ".count"); }

    /** Paths of the exported minibatches of one size, sorted; an error names the ingest option if absent. */
    public List<String> minibatchPaths(Split split, int batchSize) throws IOException {
        List<Integer> sizes = manifest.getIntList("batch_sizes");
        if (!sizes.contains(batchSize)) {
            throw new IOException("ingest at " + layout.root() + " exported minibatches of " + sizes + ", not " + batchSize
                    + "; re-run `unirep ingest` with --batch-sizes including " + batchSize);
        }
        List<String> paths = new ArrayList<>();
        for (FileStatus s : files.list(layout.minibatches(split, batchSize))) {
            if (s.getPath().getName().endsWith(".bin")) paths.add(s.getPath().toString());
        }
        paths.sort(null);
        return paths;
    }

    /** The images' shape (an ingest older than the field held MNIST's 28 x 28). */
    public int rows() { return manifest.hasPath("image_rows") ? manifest.getInt("image_rows") : DatasetName.ROWS; }

    public int cols() { return manifest.hasPath("image_cols") ? manifest.getInt("image_cols") : DatasetName.COLS; }

    /** A whole split, read here from its Parquet shards (the classifier job's test split). */
    public LabeledImages load(Split split) throws IOException {
        return source(split, 0).images();
    }

    /**
     * What a task reads of {@code split}: the first {@code limit} items (0 = all), in the ingest's
     * shuffled order for the training split (what both stages of a sweep train on), in the split's
     * order for the test split.
     */
    public SplitSource source(Split split, int limit) {
        return new SplitSource(files, layout.root(), datasetChecksum(), split, Math.toIntExact(count(split)), rows(), cols(), limit, split == Split.TRAIN,
                manifest.getLong("seed"));
    }

    /**
     * Reads a split from its Parquet shards in {@code dir} without Spark (an executor reads its own
     * data): every row (index, label, pixels) goes to its index, and each of the {@code count}
     * indices must come exactly once with {@code rows} x {@code cols} pixels; an error names the file.
     */
    public static LabeledImages read(HadoopFiles files, String dir, Split split, int count, int rows, int cols) throws IOException {
        LabeledImages out = LabeledImages.allocate(split, rows, cols, count);
        BitSet seen = new BitSet(count);
        int shards = 0;
        for (FileStatus f : files.list(dir)) {
            String name = f.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_") || !name.endsWith(".parquet")) continue;
            shards++;
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), f.getPath()).withConf(files.conf()).build()) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    int i = g.getInteger("index", 0), label = g.getInteger("label", 0);
                    byte[] px = g.getBinary("pixels", 0).getBytes();
                    if (i < 0 || i >= count || seen.get(i)) {
                        throw new IOException(f.getPath() + ": row index " + i + (i < 0 || i >= count ? " outside [0, " + count + ") (the manifest's count)"
                                : " seen twice"));
                    }
                    if (px.length != rows * cols) {
                        throw new IOException(f.getPath() + ": row " + i + " has " + px.length + " pixels, expected " + rows + "x" + cols
                                + " (the manifest's image shape)");
                    }
                    seen.set(i);
                    out.set(i, label, px);
                }
            } catch (IOException e) {
                throw e.getMessage() != null && e.getMessage().startsWith(f.getPath().toString()) ? e
                        : new IOException(f.getPath() + ": cannot read this Parquet shard: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IOException(f.getPath() + ": cannot read this Parquet shard: " + e, e);
            }
        }
        if (seen.cardinality() != count) {
            throw new IOException(dir + ": " + shards + " Parquet shard(s) hold " + seen.cardinality() + " of the " + count
                    + " rows the ingest manifest counts; re-run `unirep ingest`");
        }
        return out;
    }

    public String describe() {
        return layout.root() + " (" + dataset() + ", " + manifest.getConfig("splits").root().keySet().stream()
                .map(s -> s + "=" + manifest.getLong("splits." + s + ".count")).collect(Collectors.joining(", ")) + ")";
    }
}
