package org.unirep.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (raw or gzip, detected from the first bytes).
 *
 * <p>Layout: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions, one
 * big-endian int32 per dimension, then the data. Every deviation (magic, type, rank, sizes,
 * truncation, trailing bytes, label range) is an {@link IdxFormatException} naming the file.
 */
public final class IdxReader {
    private static final int TYPE_UBYTE = 0x08;

    private IdxReader() {}

    /** Images as [n][rows*cols] unsigned bytes (row-major). */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public int pixelsPerImage() { return rows * cols; }
    }

    public static Images readImages(InputStream raw, String name) throws IOException {
        try (DataInputStream in = open(raw, name)) {
            int[] dims = header(in, name, 3);
            int n = dims[0], rows = dims[1], cols = dims[2];
            if (rows <= 0 || cols <= 0) {
                throw new IdxFormatException(name, "image size " + rows + "x" + cols + ", expected positive sizes");
            }
            long total = (long) n * rows * cols;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IdxFormatException(name, "header declares " + total + " pixels, more than one array holds");
            }
            byte[] pixels = new byte[(int) total];
            readFully(in, pixels, name, n + " images of " + rows + "x" + cols);
            expectEnd(in, name);
            return new Images(n, rows, cols, pixels);
        }
    }

    /** Labels as unsigned bytes, each checked to lie in [0, numClasses). */
    public static byte[] readLabels(InputStream raw, String name, int numClasses) throws IOException {
        try (DataInputStream in = open(raw, name)) {
            int n = header(in, name, 1)[0];
            byte[] labels = new byte[n];
            readFully(in, labels, name, n + " labels");
            expectEnd(in, name);
            for (int i = 0; i < n; i++) {
                int v = labels[i] & 0xFF;
                if (v >= numClasses) {
                    throw new IdxFormatException(name, "label " + v + " at item " + i
                            + " is out of range, expected 0.." + (numClasses - 1));
                }
            }
            return labels;
        }
    }

    private static DataInputStream open(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16));
            } catch (IOException e) {
                throw new IdxFormatException(name, "gzip header is corrupt: " + e.getMessage());
            }
        }
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, String name, int expectedRank) throws IOException {
        byte[] magic = new byte[4];
        readFully(in, magic, name, "a 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(name, String.format(
                    "bad magic number %02x%02x%02x%02x, expected 0000%02x%02x (IDX unsigned-byte, rank %d)",
                    magic[0], magic[1], magic[2], magic[3], TYPE_UBYTE, expectedRank, expectedRank));
        }
        if ((magic[2] & 0xFF) != TYPE_UBYTE) {
            throw new IdxFormatException(name, String.format("data type 0x%02x, expected 0x08 (unsigned byte)", magic[2]));
        }
        int rank = magic[3] & 0xFF;
        if (rank != expectedRank) {
            throw new IdxFormatException(name, "rank " + rank + ", expected " + expectedRank
                    + (expectedRank == 3 ? " (an image file)" : " (a label file)"));
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new IdxFormatException(name, "truncated header: dimension " + i + " missing");
            }
            if (dims[i] < 0) {
                throw new IdxFormatException(name, "dimension " + i + " is " + dims[i] + ", expected >= 0");
            }
        }
        return dims;
    }

    private static void readFully(DataInputStream in, byte[] buf, String name, String what) throws IOException {
        int off = 0;
        try {
            while (off < buf.length) {
                int r = in.read(buf, off, buf.length - off);
                if (r < 0) break;
                off += r;
            }
        } catch (EOFException e) {
            // gzip streams cut short end here
        } catch (IOException e) {
            throw new IdxFormatException(name, "unreadable after " + off + " data bytes: " + e.getMessage());
        }
        if (off < buf.length) {
            throw new IdxFormatException(name, "truncated: header declares " + what + " (" + buf.length
                    + " bytes) but only " + off + " bytes follow");
        }
    }

    private static void expectEnd(DataInputStream in, String name) throws IOException {
        int extra = 0;
        try {
            while (in.read() >= 0) extra++;
        } catch (EOFException e) {
            // fine
        }
        if (extra > 0) {
            throw new IdxFormatException(name, extra + " unexpected trailing bytes after the declared data");
        }
    }
}
