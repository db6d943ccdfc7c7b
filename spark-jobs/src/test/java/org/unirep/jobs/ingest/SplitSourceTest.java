package org.unirep.jobs.ingest;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Minibatches;
import org.unirep.data.Split;
import org.unirep.io.HadoopFiles;
import org.unirep.spark.LocalSpark;
import org.unirep.testing.TestData;

/** Executors read the ingest's Parquet shards themselves, one copy per JVM, with the manifest's shape and count. */
class SplitSourceTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static Path ingest(Path out) throws IOException {
        IngestJob.entryPoint(SPARK.session(), new IngestOptions(DatasetName.MNIST, TestData.mnistDir().toString(), out.toString(), 3, 42L,
                List.of(64), 500, 120));
        return out;
    }

    @Test
    void aTaskReadsTheShardsItselfAndGetsTheSweepsSubsets(@TempDir Path out) throws IOException {
        IngestedData data = IngestedData.open(HadoopFiles.local(), ingest(out).toString());
        assertEquals(28, data.rows());
        assertEquals(28, data.cols());
        assertTrue(Files.readString(out.resolve(IngestLayout.MANIFEST)).contains("\"image_rows\""), "the manifest records the shape");
        SplitSource.forget();

        // The training subset: the first 200 in the ingest's shuffled order, as the sweep trained on before (driver collect).
        LabeledImages source = TestData.train().head(500);
        LabeledImages expected = source.select(Arrays.copyOf(Minibatches.permutation(500, 42L), 200));
        SplitSource train = data.source(Split.TRAIN, 200);
        assertEquals(200, train.count(), "known from the manifest, nothing read");
        LabeledImages got = train.images();
        assertEquals(expected.sha256(), got.sha256());
        assertSame(got, train.images(), "one decoded copy per JVM");
        assertSame(got, data.source(Split.TRAIN, 200).images(), "shared by every task asking for it");

        // The test subset: the first 100 in the split's order; 0 = all.
        assertEquals(TestData.test().head(100).sha256(), data.source(Split.TEST, 100).images().sha256());
        assertEquals(TestData.test().head(120).sha256(), data.load(Split.TEST).sha256());
        assertEquals(source.sha256(), data.source(Split.TRAIN, 0).images().sha256(), "the whole split in index order");
    }

    @Test
    void aMissingOrForeignShardIsAnErrorNamingIt(@TempDir Path out) throws IOException {
        ingest(out);
        Path dir = out.resolve("parquet/split=test");
        List<Path> shards;
        try (Stream<Path> s = Files.list(dir)) {
            shards = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        HadoopFiles files = HadoopFiles.local();
        // The manifest counts 120 rows; with a shard gone the read is short.
        Files.move(shards.get(0), out.resolve("moved.parquet"));
        IOException e = assertThrows(IOException.class, () -> IngestedData.read(files, dir.toString(), Split.TEST, 120, 28, 28));
        assertTrue(e.getMessage().contains("2 Parquet shard(s) hold") && e.getMessage().contains("of the 120 rows"), e.getMessage());
        Files.move(out.resolve("moved.parquet"), shards.get(0));
        // Another shape than the manifest's: the shard and row are named.
        e = assertThrows(IOException.class, () -> IngestedData.read(files, dir.toString(), Split.TEST, 120, 32, 32));
        assertTrue(e.getMessage().contains(".parquet: row") && e.getMessage().contains("expected 32x32"), e.getMessage());
        // A damaged shard.
        Files.write(shards.get(1), new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> IngestedData.read(files, dir.toString(), Split.TEST, 120, 28, 28));
        assertTrue(e.getMessage().contains(shards.get(1).getFileName().toString()), e.getMessage());
    }
}
