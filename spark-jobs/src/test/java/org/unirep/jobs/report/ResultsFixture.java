package org.unirep.jobs.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.Stage;
import org.unirep.jobs.plan.TestPoints;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsWriter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.training.RunStatus;

/**
 * A small fixed results root (sweep "fx", 11 runs: two seeds of one point, a stage-1 encoder, a failed
 * point, rdc and rdp) whose curves and penalties are worked out by hand in ReportJobTest. Rows are
 * made as the sweep makes them (RunRecords.of a grid point); accuracy is 0.9 throughout.
 */
public final class ResultsFixture {
    static final String ENCODER = "1111222233334444";

    private ResultsFixture() {}

    static final List<RunRecord> RUNS = List.of(
            ok(TestPoints.fanOut(Mode.RDC, 0, 0, null, 1), 0.044, 0.9, Double.NaN),
            ok(TestPoints.fanOut(Mode.RDC, 0, 0, null, 2), 0.046, 0.9, Double.NaN),
            ok(TestPoints.fanOut(Mode.RDC, 0.0066, 0.0066, null, 1), 0.050, 0.3, Double.NaN),
            ok(TestPoints.fanOut(Mode.RDC, 0.015, 0.015, null, 1), 0.060, 0.1, Double.NaN),
            ok(TestPoints.encoder(Mode.RDC, 0.015, 1), 0.061, 0.1, Double.NaN),
            ok(TestPoints.fanOut(Mode.RDC, 0, 0.015, ENCODER, 1), 0.058, 0.2, Double.NaN),
            ok(TestPoints.fanOut(Mode.RDC, 0.001, 0.015, ENCODER, 1), 0.059, 0.05, Double.NaN),
            RunRecords.of(TestPoints.fanOut(Mode.RDC, 0.0066, 0.015, ENCODER, 1), "fx", 1, RunStatus.FAILED, "boom", 0L, 1000L,
                    "cpu:1 thread", null, List.of()),
            ok(TestPoints.fanOut(Mode.RDP, 0, 0, null, 1), 0.045, 2.3, 0.5),
            ok(TestPoints.fanOut(Mode.RDP, 0.015, 0.015, null, 1), 0.055, 2.3, 0.1),
            ok(TestPoints.fanOut(Mode.RDP, 0, 0.015, ENCODER, 1), 0.046, 2.3, 0.45));

    /** Writes the fixture's runs and metrics tables under {@code dir/results}; returns that root. */
    public static String write(Path dir) throws IOException {
        return write(dir, false);
    }

    /** As above; {@code filePerRun}: each run committed alone (one data file each), else all in one transaction. */
    public static String write(Path dir, boolean filePerRun) throws IOException {
        String results = dir.resolve("results").toString();
        ResultsWriter w = new ResultsWriter(org.apache.spark.sql.SparkSession.active(), new ResultsLayout(results));
        if (filePerRun) for (RunRecord r : RUNS) w.commit(r);
        else w.commit(RUNS);
        return results;
    }

    /** The fixture's run of one mode, kind and lambda (seed 1, stage 2). */
    static RunRecord run(Mode mode, boolean universal, double lambda) {
        return RUNS.stream().filter(r -> r.mode() == mode && (r.encoderRunId() != null) == universal && r.lambda() == lambda
                && r.seed() == 1 && r.stage() == Stage.FANOUT).findFirst().orElseThrow();
    }

    private static RunRecord ok(GridPoint p, double mse, double ce, double w1) {
        return RunRecords.of(p, "fx", 1, RunStatus.OK, null, 0L, 1000L, "cpu:1 thread", new org.unirep.jobs.results.ModelRef("/m/" + p.runId(), null),
                List.of(new EpochMetrics(30, "test", mse, ce, 0.9, w1)));
    }
}
