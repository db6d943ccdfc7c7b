package org.unirep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.io.HadoopFiles;
import org.unirep.testing.TestData;

/** Ingest names a dataset from its files: known copies by SHA-256, a contradicting name refused, unknown files named by the user. */
class DatasetIdentifyTest {
    final DataFetcher fetcher = new DataFetcher(HadoopFiles.local());

    @Test
    void theRealMnistFilesNameThemselves() throws IOException {
        String dir = TestData.mnistDir().toString();
        assertEquals(Optional.of(DatasetName.MNIST), fetcher.recognise(dir));
        assertEquals(DatasetName.MNIST, fetcher.identify(dir, null));
        assertEquals(DatasetName.MNIST, fetcher.identify(dir, DatasetName.MNIST));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fetcher.identify(dir, DatasetName.FASHION_MNIST));
        assertEquals("--dataset fashion-mnist, but the IDX files in " + dir + " are mnist (their SHA-256 match the published mnist files)",
                e.getMessage());
    }

    @Test
    void filesOfNoKnownCopyNeedTheirName(@TempDir Path copy) throws IOException {
        for (String name : DataFetcher.fileNames()) {
            byte[] raw;
            try (var in = new GZIPInputStream(Files.newInputStream(TestData.mnistDir().resolve(name + ".gz")))) {
                raw = in.readAllBytes();
            }
            if (name.equals("t10k-labels-idx1-ubyte")) raw[raw.length - 1] = (byte) ((raw[raw.length - 1] + 1) % 10); // one label changed
            Files.write(copy.resolve(name), raw);
        }
        assertEquals(Optional.empty(), fetcher.recognise(copy.toString()));
        assertEquals(DatasetName.FASHION_MNIST, fetcher.identify(copy.toString(), DatasetName.FASHION_MNIST));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fetcher.identify(copy.toString(), null));
        assertEquals("the IDX files in " + copy + " are no known copy of mnist or fashion-mnist (by SHA-256): name their dataset with --dataset",
                e.getMessage());
    }
}
