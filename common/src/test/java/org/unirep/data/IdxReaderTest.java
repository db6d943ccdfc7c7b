package org.unirep.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.io.HadoopFiles;
import org.unirep.testing.TestData;

class IdxReaderTest {

    @Test
    void readsRealMnistWithOfficialCountsAndChecksums() throws IOException {
        LabeledImages train = TestData.train();
        LabeledImages test = TestData.test();
        assertEquals(60_000, train.count());
        assertEquals(10_000, test.count());
        assertEquals(28, train.rows());
        assertArrayEquals(new long[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.labelHistogram(10));
        assertArrayEquals(new long[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.labelHistogram(10));
        // The decompressed file hashes are the published ones.
        for (String name : DataFetcher.fileNames()) {
            byte[] raw = gunzip(Files.readAllBytes(TestData.mnistDir().resolve(name + ".gz")));
            assertEquals(DataFetcher.MNIST_SHA256.get(name), DataFetcher.sha256(raw), name);
        }
        assertEquals(5, train.label(0)); // the first training digit is a 5
    }

    @Test
    void readsRawAndGzipIdentically() throws IOException {
        byte[] file = imagesFile(3, 2, 2, 16);
        IdxReader.Images raw = IdxReader.readImages(new ByteArrayInputStream(file), "x");
        IdxReader.Images gz = IdxReader.readImages(new ByteArrayInputStream(gzip(file)), "x.gz");
        assertEquals(3, raw.count());
        assertArrayEquals(raw.pixels(), gz.pixels());
        assertEquals((byte) 7, raw.pixels()[7]);
    }

    @Test
    void rejectsBadMagic() {
        byte[] f = imagesFile(2, 2, 2, 16);
        f[0] = 0x12;
        assertError(() -> IdxReader.readImages(in(f), "bad.idx"), "bad.idx", "bad magic number");
    }

    @Test
    void rejectsWrongDataType() {
        byte[] f = imagesFile(2, 2, 2, 16);
        f[2] = 0x0D; // float
        assertError(() -> IdxReader.readImages(in(f), "f.idx"), "f.idx", "data type 0x0d, expected 0x08");
    }

    @Test
    void rejectsLabelsFileGivenAsImages() {
        byte[] labels = labelsFile(new byte[] {1, 2, 3});
        assertError(() -> IdxReader.readImages(in(labels), "swapped"), "swapped", "rank 1, expected 3");
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] f = Arrays.copyOf(imagesFile(2, 2, 2, 16), 9);
        assertError(() -> IdxReader.readImages(in(f), "short"), "short", "truncated header");
    }

    @Test
    void rejectsTruncatedDataRawAndGzip() throws IOException {
        byte[] f = imagesFile(3, 2, 2, 16);
        byte[] cut = Arrays.copyOf(f, f.length - 5);
        assertError(() -> IdxReader.readImages(in(cut), "cut"), "cut", "truncated: header declares 3 images of 2x2 (12 bytes) but only 7");
        byte[] gzCut = Arrays.copyOf(gzip(f), gzip(f).length - 12); // gzip stream cut mid-way
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(in(gzCut), "cut.gz"));
        assertTrue(e.getMessage().startsWith("cut.gz: "), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] f = Arrays.copyOf(imagesFile(2, 2, 2, 16), imagesFile(2, 2, 2, 16).length + 3);
        assertError(() -> IdxReader.readImages(in(f), "long"), "long", "3 unexpected trailing bytes");
    }

    @Test
    void rejectsLabelOutOfRange() {
        byte[] f = labelsFile(new byte[] {0, 9, 10, 3});
        assertError(() -> IdxReader.readLabels(in(f), "lab", 10), "lab", "label 10 at item 2 is out of range, expected 0..9");
    }

    @Test
    void rejectsCorruptGzipHeader() {
        byte[] f = {0x1f, (byte) 0x8b, 0x01, 0x02, 0x03};
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(in(f), "broken.gz", 10));
        assertTrue(e.getMessage().startsWith("broken.gz: "), e.getMessage());
    }

    @Test
    void datasetRejectsCountMismatchWrongSizeAndMissingFiles(@TempDir Path dir) throws IOException {
        HadoopFiles fs = HadoopFiles.local();
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), imagesFile(3, 28, 28, 16));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labelsFile(new byte[] {1, 2})));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxDataset.load(fs, dir.toString(), Split.TEST));
        assertTrue(e.getMessage().contains("3 images but") && e.getMessage().contains("2 labels"), e.getMessage());

        Files.write(dir.resolve("t10k-images-idx3-ubyte"), imagesFile(2, 27, 28, 16));
        e = assertThrows(IdxFormatException.class, () -> IdxDataset.load(fs, dir.toString(), Split.TEST));
        assertTrue(e.getMessage().contains("images are 27x28, expected 28x28"), e.getMessage());

        e = assertThrows(IdxFormatException.class, () -> IdxDataset.load(fs, dir.toString(), Split.TRAIN));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("not found"), e.getMessage());

        Files.write(dir.resolve("t10k-images-idx3-ubyte"), imagesFile(2, 28, 28, 16));
        LabeledImages ok = IdxDataset.load(fs, dir.toString(), Split.TEST);
        assertEquals(2, ok.count());
        assertEquals(2, ok.label(1));
    }

    private static void assertError(Executable call, String file, String fragment) {
        IdxFormatException e = assertThrows(IdxFormatException.class, call);
        assertTrue(e.getMessage().startsWith(file + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "says what was expected: " + e.getMessage());
    }

    private static InputStream in(byte[] b) { return new ByteArrayInputStream(b); }

    static byte[] imagesFile(int n, int rows, int cols, int mod) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeInt(0x00000803);
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < n * rows * cols; i++) out.writeByte(i % mod);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] labelsFile(byte[] labels) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            out.write(labels);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(b);
        }
        return bos.toByteArray();
    }

    static byte[] gunzip(byte[] b) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return in.readAllBytes();
        }
    }
}
