package org.unirep.data;

import java.nio.charset.StandardCharsets;

/** The identity of the data a model saw: SHA-256 over the splits' content hashes, train then test. */
public final class DatasetChecksum {
    private DatasetChecksum() {}

    public static String of(String trainSha256, String testSha256) {
        return DataFetcher.sha256((trainSha256 + testSha256).getBytes(StandardCharsets.UTF_8));
    }

    public static String of(LabeledImages train, LabeledImages test) {
        return of(train.sha256(), test.sha256());
    }
}
