package org.unirep.jobs.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.unirep.compression.EpochMetrics;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsWriter;
import org.unirep.jobs.results.RunRecord;

/**
 * A small fixed results root (sweep "fx", 11 runs: two seeds of one point, a stage-1 encoder, a failed
 * point, rdc and rdp) whose curves and penalties are worked out by hand in ReportJobTest.
 */
public final class ResultsFixture {
    static final double R = 3 * Math.log(3) / Math.log(2);
    private int n;

    private ResultsFixture() {}

    /** Writes the fixture's runs and metrics tables under {@code dir/results}; returns that root. */
    public static String write(Path dir) throws IOException {
        String results = dir.resolve("results").toString();
        ResultsWriter w = new ResultsWriter(HadoopFiles.local(), new ResultsLayout(results));
        ResultsFixture f = new ResultsFixture();
        double nan = Double.NaN;
        for (RunRecord r : List.of(
                f.run("fanout", "end_to_end", "rdc", 0, 1, "ok", 0.044, 0.9, nan),
                f.run("fanout", "end_to_end", "rdc", 0, 2, "ok", 0.046, 0.9, nan),
                f.run("fanout", "end_to_end", "rdc", 0.0066, 1, "ok", 0.050, 0.3, nan),
                f.run("fanout", "end_to_end", "rdc", 0.015, 1, "ok", 0.060, 0.1, nan),
                f.run("encoder", "end_to_end", "rdc", 0.015, 1, "ok", 0.061, 0.1, nan),
                f.run("fanout", "universal", "rdc", 0, 1, "ok", 0.058, 0.2, nan),
                f.run("fanout", "universal", "rdc", 0.001, 1, "ok", 0.059, 0.05, nan),
                f.run("fanout", "universal", "rdc", 0.0066, 1, "failed", nan, nan, nan),
                f.run("fanout", "end_to_end", "rdp", 0, 1, "ok", 0.045, 2.3, 0.5),
                f.run("fanout", "end_to_end", "rdp", 0.015, 1, "ok", 0.055, 2.3, 0.1),
                f.run("fanout", "universal", "rdp", 0, 1, "ok", 0.046, 2.3, 0.45))) {
            w.commit(r);
        }
        return results;
    }

    private RunRecord run(String stage, String kind, String mode, double lambda, long seed, String status, double mse, double ce, double w1) {
        n++;
        return new RunRecord("run" + n, "fx", 1, stage, kind, mode, "mnist", R, 3, 3, lambda, kind.equals("universal") ? 0.015 : lambda,
                kind.equals("universal") ? "enc" : null, seed, 30, status, null, 0L, 1000L, "h", "cpu:1 thread", "/m/" + n, mse, ce,
                0.9, w1, "{}", List.of(new EpochMetrics(30, "test", mse, ce, 0.9, w1)));
    }
}
