package org.unirep.jobs.ingest;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;

/** Reads what the ingest job wrote: its manifest, a split from Parquet, the exported minibatch paths. */
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

    /** A whole split in the driver (the test split: 10k images, 7.8 MB). */
    public LabeledImages load(SparkSession spark, Split split) {
        List<Row> rows = spark.read().parquet(layout.parquet(split)).orderBy("index").collectAsList();
        int n = rows.size();
        byte[] pixels = new byte[n * DatasetName.PIXELS];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            labels[i] = (byte) r.getInt(r.fieldIndex("label"));
            System.arraycopy((byte[]) r.get(r.fieldIndex("pixels")), 0, pixels, i * DatasetName.PIXELS, DatasetName.PIXELS);
        }
        return new LabeledImages(split, DatasetName.ROWS, DatasetName.COLS, pixels, labels);
    }

    /** The first {@code n} training items in the ingest's shuffled order (0 = all): what both stages of a sweep train on. */
    public LabeledImages trainingSubset(LabeledImages train, int n) {
        if (n <= 0 || n >= train.count()) return train;
        int[] order = Minibatches.permutation(train.count(), manifest.getLong("seed"));
        return train.select(Arrays.copyOf(order, n));
    }

    public String describe() {
        return layout.root() + " (" + dataset() + ", " + manifest.getConfig("splits").root().keySet().stream()
                .map(s -> s + "=" + manifest.getLong("splits." + s + ".count")).collect(Collectors.joining(", ")) + ")";
    }
}
