package org.unirep.jobs.ingest;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSourceFactory;
import org.nd4j.linalg.dataset.DataSet;
import org.unirep.data.CompactDataSetLoader;
import org.unirep.data.DatasetName;
import org.unirep.data.IdxFormatException;
import org.unirep.data.LabeledImages;
import org.unirep.data.RowChecksum;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.spark.LocalSpark;
import org.unirep.testing.TestData;

class IngestJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();


    static IngestOptions options(Path out, int shards) {
        return new IngestOptions(DatasetName.MNIST, TestData.mnistDir().toString(), out.toString(), shards, 42L,
                List.of(64, 100), 1000, 300);
    }

    @Test
    void roundTripKeepsCountsLabelsAndPixels(@TempDir Path out) throws IOException {
        SparkSession spark = SPARK.session();
        IngestJob.Report r = IngestJob.entryPoint(spark, options(out, 3));
        LabeledImages train = TestData.train().head(1000), test = TestData.test().head(300);

        assertEquals(1000, r.split(Split.TRAIN).count());
        assertEquals(300, r.split(Split.TEST).count());
        assertArrayEquals(train.labelHistogram(10), r.split(Split.TRAIN).labelHistogram());
        assertEquals(RowChecksum.hex(RowChecksum.of(train)), r.split(Split.TRAIN).checksum());
        assertEquals(RowChecksum.hex(RowChecksum.of(test)), r.split(Split.TEST).checksum());

        // A plain Parquet dataset: split is a partition column, 3 files per split.
        Dataset<Row> all = spark.read().parquet(out.resolve("parquet").toString());
        assertEquals(List.of("index", "label", "pixels", "split"), Arrays.asList(all.columns()));
        assertEquals(1300, all.count());
        try (Stream<Path> s = Files.list(out.resolve("parquet/split=train"))) {
            assertEquals(3, s.filter(p -> p.toString().endsWith(".parquet")).count());
        }
        // Pixels come back byte-identical through the reader the training jobs use.
        IngestedData data = IngestedData.open(HadoopFiles.local(), out.toString());
        LabeledImages back = data.load(Split.TEST);
        assertArrayEquals(test.pixels(), back.pixels());
        assertArrayEquals(test.labels(), back.labels());
        assertEquals(TestData.train().head(1000).sha256() + "", train.sha256());

        // Minibatches: shards of 334/333/333 -> 6+6+6 files of <= 64 and 4+4+4 of <= 100.
        List<String> b64 = data.minibatchPaths(Split.TRAIN, 64);
        assertEquals(18, b64.size());
        assertEquals(12, data.minibatchPaths(Split.TRAIN, 100).size());
        long items = 0, byteSum = 0;
        CompactDataSetLoader loader = new CompactDataSetLoader();
        for (String p : b64) {
            DataSet ds = loader.load(new LocalFileSourceFactory().getSource(p.replace("file:", "")));
            assertEquals(784, ds.getFeatures().size(1));
            assertEquals(10, ds.getLabels().size(1));
            items += ds.numExamples();
            for (float f : ds.getFeatures().dup().data().asFloat()) {
                long v = Math.round(f * 255.0);
                assertEquals(v, f * 255.0, 1e-3, "pixels are k/255");
                byteSum += v;
            }
        }
        assertEquals(1000, items);
        long expected = 0;
        for (byte b : train.pixels()) expected += b & 0xFF;
        assertEquals(expected, byteSum, "every pixel exported exactly once");

        IOException e = assertThrows(IOException.class, () -> data.minibatchPaths(Split.TRAIN, 32));
        assertTrue(e.getMessage().contains("--batch-sizes including 32"), e.getMessage());
    }

    @Test
    void rerunGivesTheSameContent(@TempDir Path out) throws IOException {
        SparkSession spark = SPARK.session();
        IngestJob.Report first = IngestJob.entryPoint(spark, options(out, 2));
        byte[] firstBatch = Files.readAllBytes(Path.of(firstPath(out)));
        IngestJob.Report second = IngestJob.entryPoint(spark, options(out, 2));
        assertEquals(first.split(Split.TRAIN).checksum(), second.split(Split.TRAIN).checksum());
        assertArrayEquals(firstBatch, Files.readAllBytes(Path.of(firstPath(out))));
        assertEquals(1000, spark.read().parquet(out.resolve("parquet/split=train").toString()).count(), "no duplicates");
    }

    @Test
    void failedIngestLeavesTheOutputAsItWasAndARerunAfterTheFixSucceeds(@TempDir Path src, @TempDir Path tmp) throws IOException {
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(TestData.mnistDir().resolve(f), src.resolve(f));
        }
        Path fresh = tmp.resolve("fresh"), earlier = tmp.resolve("earlier");
        IngestOptions good = new IngestOptions(DatasetName.MNIST, src.toString(), earlier.toString(), 2, 1L, List.of(64), 500, 100);
        IngestJob.entryPoint(SPARK.session(), good);
        String manifestBefore = Files.readString(earlier.resolve(IngestLayout.MANIFEST));
        List<String> before = tree(earlier);

        byte[] labels = Files.readAllBytes(src.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.write(src.resolve("t10k-labels-idx1-ubyte.gz"), Arrays.copyOf(labels, labels.length / 2));
        for (Path out : List.of(fresh, earlier)) {
            IngestOptions o = new IngestOptions(DatasetName.MNIST, src.toString(), out.toString(), 2, 7L, List.of(64, 100), 500, 100);
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IngestJob.entryPoint(SPARK.session(), o));
            assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        }
        assertFalse(Files.exists(fresh), "nothing written for a failed first ingest");
        assertEquals(before, tree(earlier), "an earlier ingest is left exactly as it was");
        assertEquals(manifestBefore, Files.readString(earlier.resolve(IngestLayout.MANIFEST)));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("earlier"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no staging folder left");
        }
        IOException missing = assertThrows(IOException.class, () -> IngestedData.open(HadoopFiles.local(), fresh.toString()));
        assertTrue(missing.getMessage().contains("run `unirep ingest"), missing.getMessage());

        Files.write(src.resolve("t10k-labels-idx1-ubyte.gz"), labels);
        IngestJob.Report r = IngestJob.entryPoint(SPARK.session(),
                new IngestOptions(DatasetName.MNIST, src.toString(), earlier.toString(), 2, 7L, List.of(64, 100), 500, 100));
        assertEquals(100, r.split(Split.TEST).count());
        assertEquals(6, IngestedData.open(HadoopFiles.local(), earlier.toString()).minibatchPaths(Split.TRAIN, 100).size(),
                "the rerun replaced the earlier ingest (which had no minibatches of 100)");
    }

    @Test
    void anOutputFolderHoldingOtherFilesIsRefusedNotDeleted(@TempDir Path out) throws IOException {
        Files.writeString(out.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> IngestJob.entryPoint(SPARK.session(), options(out, 2)));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains(out.toString()), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p) + ":" + p.toFile().length()).sorted().toList();
        }
    }

    private static String firstPath(Path out) throws IOException {
        return IngestedData.open(HadoopFiles.local(), out.toString()).minibatchPaths(Split.TRAIN, 64).get(0).replace("file:", "");
    }
}
