package org.unirep.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.TestPoints;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsWriter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.spark.LocalSpark;
import org.unirep.training.RunStatus;

/**
 * notebooks/sql/curves.sql on a one-worker shared encoder: it is the end-to-end model at its lambda
 * (SweepPlan does not train that point again), counted once per seed, and only with one worker.
 */
class CurvesTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    @Test
    void aOneWorkerEncoderIsTheEndToEndPointAtItsLambda(@TempDir Path dir) throws IOException {
        String results = dir.resolve("results").toString();
        ResultsWriter w = new ResultsWriter(SPARK.session(), new ResultsLayout(results));
        GridPoint enc1 = TestPoints.encoder(Mode.RDC, 0.015, 1, 1);
        w.commit(ok(enc1, 0.061));
        w.commit(ok(TestPoints.fanOut(Mode.RDC, 0, 0, null, 1), 0.044));
        w.commit(ok(TestPoints.fanOut(Mode.RDC, 0, 0.015, enc1.runId(), 1), 0.058));
        // seed 2 as a sweep before the change trained it: the encoder and a stage-2 run of the same model
        w.commit(ok(TestPoints.encoder(Mode.RDC, 0.015, 2, 1), 0.063));
        w.commit(ok(TestPoints.fanOut(Mode.RDC, 0.015, 0.015, null, 2), 0.063));
        // a 2-worker encoder is not an end-to-end model
        w.commit(ok(TestPoints.encoder(Mode.RDP, 0.015, 1, 2), 0.070));

        SPARK.session().read().format("delta").load(results + "/runs").createOrReplaceTempView("runs");
        SqlViews.create(SPARK.session(), SqlViews.CURVES);
        List<Row> e2e = SPARK.session().sql("SELECT mode, lambda, seeds, mse FROM curves WHERE kind = 'end_to_end' ORDER BY mode, lambda")
                .collectAsList();
        assertEquals(2, e2e.size(), e2e.toString());
        assertEquals(0.0, e2e.get(0).getDouble(1));
        assertEquals(0.015, e2e.get(1).getDouble(1));
        assertEquals(2, e2e.get(1).getInt(2), "seed 1 from the encoder, seed 2 from its stage-2 run");
        assertEquals(0.062, e2e.get(1).getDouble(3), 1e-12, "each seed once: (0.061 + 0.063) / 2");
        assertEquals(2L, SPARK.session().sql("SELECT * FROM curves WHERE kind = 'shared_encoder'").count(), "rdc and rdp encoders");
        SqlViews.create(SPARK.session(), SqlViews.PENALTIES);
        Row p = SPARK.session().sql("SELECT penalty_at_lambda, encoder_gap FROM penalties").first();
        assertEquals(0.058 - 0.044, p.getDouble(0), 1e-12);
        assertEquals(0.0, p.getDouble(1), 1e-12, "the one-worker encoder is the end-to-end model at its lambda");
    }

    private static RunRecord ok(GridPoint p, double mse) {
        return RunRecords.of(p, "s", 1, RunStatus.OK, null, 0L, 1000L, "cpu:1 thread", new org.unirep.jobs.results.ModelRef("/m/" + p.runId(), null),
                List.of(new EpochMetrics(30, "test", mse, 0.5, 0.9, Double.NaN)));
    }
}
