package org.unirep.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.unirep.io.Sha256;

/**
 * An order-independent content checksum of a set of (split, index, label, pixels) rows: the sum
 * (mod 2^64) of the first 8 bytes of each row's SHA-256. Shards can be summed in any order, so the
 * driver's value for the source files and the executors' value for the written Parquet compare.
 */
public final class RowChecksum {
    private RowChecksum() {}

    public static long row(String split, int index, int label, byte[] pixels) {
        MessageDigest md = Sha256.digest();
        md.update(split.getBytes(StandardCharsets.UTF_8));
        md.update(ByteBuffer.allocate(8).putInt(index).putInt(label).array());
        md.update(pixels);
        return ByteBuffer.wrap(md.digest()).getLong();
    }

    public static long of(LabeledImages data) {
        long sum = 0;
        for (int i = 0; i < data.count(); i++) sum += row(data.split().id(), i, data.label(i), data.image(i));
        return sum;
    }

    public static String hex(long sum) {
        return String.format("%016x", sum);
    }
}
