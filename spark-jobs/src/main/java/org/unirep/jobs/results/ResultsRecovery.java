package org.unirep.jobs.results;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;

/**
 * Before a submission: removes what a killed one left half-committed (staging files, and metrics
 * files whose runs row never landed), so the tables hold only complete runs.
 */
public final class ResultsRecovery {
    private static final Logger log = LoggerFactory.getLogger(ResultsRecovery.class);

    private ResultsRecovery() {}

    /** Returns the number of orphaned files removed. */
    public static int recover(HadoopFiles files, ResultsLayout layout, String sweepId) throws IOException {
        int removed = 0;
        String staging = layout.staging(sweepId);
        if (files.exists(staging)) {
            removed += files.list(staging).length;
            files.delete(staging);
        }
        Set<String> committed = new HashSet<>();
        String runs = layout.partition(ResultsLayout.RUNS, sweepId), metrics = layout.partition(ResultsLayout.METRICS, sweepId);
        if (files.exists(runs)) for (FileStatus s : files.list(runs)) committed.add(s.getPath().getName());
        if (files.exists(metrics)) {
            for (FileStatus s : files.list(metrics)) {
                String name = s.getPath().getName();
                if (name.endsWith(".parquet") && !committed.contains(name)) {
                    files.delete(s.getPath().toString());
                    removed++;
                }
            }
        }
        if (removed > 0) log.info("results: removed {} file(s) a previous submission of sweep {} left uncommitted", removed, sweepId);
        return removed;
    }
}
