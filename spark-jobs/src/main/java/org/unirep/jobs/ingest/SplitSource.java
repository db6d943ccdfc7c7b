package org.unirep.jobs.ingest;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.data.ImageSource;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;

/**
 * A split of an ingest as the tasks that train on it read it: each executor reads the split's
 * Parquet shards itself ({@link IngestedData#read}) and keeps one decoded copy per JVM, shared by
 * every point running there; nothing passes through the driver. {@code limit} > 0 keeps the first
 * {@code limit} items: in the ingest's shuffled order ({@code shuffled}, the training subset both
 * stages train on) or in the split's order (the test subset).
 *
 * @param count the split's size and {@code rows} x {@code cols} its images' shape, from the ingest's manifest
 * @param datasetChecksum the ingest's identity: a root ingested again is other data, not this JVM's copy
 */
public record SplitSource(HadoopFiles files, String root, String datasetChecksum, Split split, int count, int rows, int cols, int limit,
                          boolean shuffled, long shuffleSeed) implements ImageSource {
    private static final Logger log = LoggerFactory.getLogger(SplitSource.class);
    /** Splits a JVM keeps (a sweep uses two: its training and test subsets); the least recently used goes first. */
    static final int KEPT = 4;
    private static final Map<String, Kept> LOADED = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> e) {
            return size() > KEPT;
        }
    };

    /** One split's copy: read once, by the first task that asks; the others wait for that read only. */
    private static final class Kept {
        private LabeledImages images;
    }

    /** How many images the tasks get. */
    @Override
    public int count() {
        return limit > 0 && limit < count ? limit : count;
    }

    /** This JVM's copy, read from the shards by the first task that needs it (tasks that ask meanwhile wait for it). */
    @Override
    public LabeledImages images() throws IOException {
        String key = root + "|" + datasetChecksum + "|" + split.id() + "|" + limit + "|" + shuffled + "|" + shuffleSeed;
        Kept kept;
        synchronized (LOADED) {
            kept = LOADED.computeIfAbsent(key, k -> new Kept());
        }
        synchronized (kept) {
            if (kept.images != null) return kept.images;
            long t0 = System.nanoTime();
            LabeledImages all = IngestedData.read(files, new IngestLayout(root).parquet(split), split, count, rows, cols);
            kept.images = subset(all);
            log.info("read {} {} images of {}x{} from {} in {} s; this JVM keeps them for its tasks", kept.images.count(), split.id(), rows,
                    cols, root, String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            return kept.images;
        }
    }

    private LabeledImages subset(LabeledImages all) {
        if (limit <= 0 || limit >= all.count()) return all;
        if (!shuffled) return all.head(limit);
        return all.select(Arrays.copyOf(Minibatches.permutation(all.count(), shuffleSeed), limit));
    }

    /** Forgets this JVM's copies (tests). */
    static void forget() {
        synchronized (LOADED) {
            LOADED.clear();
        }
    }
}
