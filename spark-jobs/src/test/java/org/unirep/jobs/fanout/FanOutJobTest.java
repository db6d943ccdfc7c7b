package org.unirep.jobs.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.io.HadoopFiles;
import org.unirep.jobs.plan.FaultInjection;
import org.unirep.jobs.plan.GridPoint;
import org.unirep.jobs.plan.TestPoints;
import org.unirep.jobs.results.PendingRecords;
import org.unirep.jobs.results.ResultsCommitter;
import org.unirep.jobs.results.ResultsLayout;
import org.unirep.jobs.results.ResultsTables;
import org.unirep.jobs.results.ResultsWriter;
import org.unirep.jobs.results.RunRecord;
import org.unirep.jobs.results.RunRecords;
import org.unirep.jobs.results.SweepProgress;
import org.unirep.spark.LocalSpark;
import org.unirep.testing.TestData;
import org.unirep.training.RunStatus;

class FanOutJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    /** A task that cannot set up (here: its classifier is missing; on a cluster: a GPU or backend that does not load). */
    @Test
    void aTaskThatCannotSetUpLeavesAFailedRowNamingItsHostAndExecutor(@TempDir Path root) throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.session().sparkContext());
        HadoopFiles files = HadoopFiles.local();
        ResultsLayout layout = new ResultsLayout(root.toString());
        LabeledImages train = TestData.train().head(8), test = TestData.test().head(8);
        FanOutJob.Inputs in = new FanOutJob.Inputs("setup", files, layout, jsc.broadcast(train), jsc.broadcast(test),
                root.resolve("no-classifier").toString(), FaultInjection.NONE, null);
        GridPoint p = TestPoints.fanOut(Mode.RDC, 0.0, 0.0, null, 1);

        try (ResultsCommitter committer = new ResultsCommitter(new ResultsWriter(SPARK.session(), layout), new PendingRecords(files, layout),
                ResultsCommitter.EVERY, ResultsCommitter.MAX_BATCH, () -> true)) {
            RunRecord r = FanOutJob.train(jsc, jsc.broadcast(in), new FanOutJob.Task(p, 1, null), new SweepProgress("setup", 1, 0), committer);
            assertEquals(RunStatus.FAILED, r.status());
        }

        assertEquals(List.of(), new PendingRecords(files, layout).all("setup"), "committed, so out of the journal");
        List<Row> rows = ResultsTables.read(SPARK.session(), layout, ResultsLayout.RUNS).collectAsList();
        assertEquals(1, rows.size(), "one row for the attempt: the task's, which the driver keeps");
        Row row = rows.get(0);
        assertEquals("failed", row.getAs("status"));
        String error = row.getAs("error");
        assertTrue(error.startsWith("task setup failed on host " + RunRecords.host() + ", executor driver: "), error);
        assertTrue(error.contains("no-classifier"), "names the cause: " + error);
    }
}
