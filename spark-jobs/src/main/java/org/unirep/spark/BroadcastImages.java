package org.unirep.spark;

import org.apache.spark.broadcast.Broadcast;
import org.unirep.data.ImageSource;
import org.unirep.data.LabeledImages;

/** Images the driver already holds, sent to the executors as a broadcast (data read from IDX files, not from an ingest). */
public record BroadcastImages(Broadcast<LabeledImages> broadcast, int count) implements ImageSource {
    public BroadcastImages(Broadcast<LabeledImages> broadcast) {
        this(broadcast, broadcast.value().count());
    }

    @Override
    public LabeledImages images() { return broadcast.value(); }
}
