package org.unirep.jobs.ingest;

import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;

/** Where the ingest job puts things under its root; the training jobs read through this too. */
public final class IngestLayout {
    public static final String MANIFEST = "_ingest.json";

    private final String root;

    public IngestLayout(String root) {
        this.root = root;
    }

    public String root() { return root; }

    public String parquet() { return HadoopFiles.join(root, "parquet"); }

    public String parquet(Split split) { return HadoopFiles.join(parquet(), "split=" + split.id()); }

    public String minibatches(Split split, int batchSize) {
        return HadoopFiles.join(root, "minibatches/" + split.id() + "/b" + batchSize);
    }

    public String manifest() { return HadoopFiles.join(root, MANIFEST); }
}
