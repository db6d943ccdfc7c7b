package org.unirep.jobs.fanout;

import static org.junit.jupiter.api.Assertions.*;

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
import org.unirep.spark.BroadcastImages;
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
        FanOutJob.Inputs in = new FanOutJob.Inputs("setup", files, layout, new BroadcastImages(jsc.broadcast(train)), new BroadcastImages(jsc.broadcast(test)),
                root.resolve("no-classifier").toString(), FaultInjection.NONE, null);
        GridPoint p = TestPoints.fanOut(Mode.RDC, 0.0, 0.0, null, 1);

        try (ResultsCommitter committer = new ResultsCommitter(new ResultsWriter(SPARK.session(), layout), new PendingRecords(files, layout),
                ResultsCommitter.EVERY, ResultsCommitter.MAX_BATCH, () -> true)) {
            RunRecord r = FanOutJob.train(jsc, jsc.broadcast(in), new FanOutJob.Task(p, 1, 1, null), new SweepProgress("setup", 1, 0), committer);
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

    /**
     * Spark's tries of a task are attempts of its point: a task that cannot set up fails as attempt
     * 1, Spark's retry as attempt 2, and the retry after the point's last attempt trains nothing and
     * returns that attempt's record, so the point has sweep.retries + 1 tries in all, whatever
     * spark.task.maxFailures is (the tests' local[2] master does not retry, so Spark's attempt
     * numbers are passed here as a cluster's retries would pass them).
     */
    @Test
    void sparksRetriesOfATaskAreAttemptsOfItsPointAndStopAtItsLast(@TempDir Path root) throws Exception {
        HadoopFiles files = HadoopFiles.local();
        ResultsLayout layout = new ResultsLayout(root.toString());
        GridPoint p = TestPoints.fanOut(Mode.RDC, 0.0, 0.0, null, 1);
        String fault = p.kind().id() + ":" + p.mode().id() + ":" + p.lambda() + ":setup";
        FanOutJob.Inputs in = new FanOutJob.Inputs("tries", files, layout, null, null, null, new FaultInjection(List.of(fault)),
                new StandInTrainer(0.0));
        FanOutJob.Task t = new FanOutJob.Task(p, 1, 2, null);
        for (int spark = 0; spark < 2; spark++) {
            int k = spark;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> FanOutJob.trainInTask(in, t, k));
            assertTrue(e.getMessage().contains("task setup failed on host"), e.getMessage());
            RunRecord r = new PendingRecords(files, layout).read("tries", p.runId(), 1 + spark);
            assertEquals(RunStatus.FAILED, r.status(), "Spark's try " + spark + " is attempt " + (1 + spark));
        }
        RunRecord past = FanOutJob.trainInTask(in, t, 2);
        assertEquals(2, past.attempt(), "no third attempt: retries = 1");
        assertTrue(past.error().startsWith("task setup failed on host"), past.error());
        assertEquals(2, new PendingRecords(files, layout).all("tries").size());

        // A try that finished the point (a chunk's first point, then its executor was lost) keeps its record.
        GridPoint q = TestPoints.fanOut(Mode.RDC, 0.1, 0.0, null, 1);
        FanOutJob.Inputs plain = new FanOutJob.Inputs("tries", files, layout, null, null, null, FaultInjection.NONE, new StandInTrainer(0.0));
        RunRecord first = FanOutJob.trainInTask(plain, new FanOutJob.Task(q, 1, 3, null, false), 0);
        RunRecord retry = FanOutJob.trainInTask(plain, new FanOutJob.Task(q, 1, 3, null, false), 1);
        assertEquals(RunStatus.OK, retry.status());
        assertEquals(first.attempt(), retry.attempt());
        assertEquals(first.endMillis(), retry.endMillis(), "the same record, not a second training");
    }
}
