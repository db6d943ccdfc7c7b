package org.unirep.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cancelled Spark job is told from a failed one by the exception Spark 3.5 really throws. */
class CancellationTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    static final CountDownLatch started = new CountDownLatch(1);

    @Test
    void aCancelledJobGroupIsACancellationAndAFailedJobIsNot() throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.session().sparkContext());
        Throwable[] caught = new Throwable[1];
        Thread job = new Thread(() -> {
            jsc.setJobGroup("cancellation-test", "a job to cancel", true);
            try {
                jsc.parallelize(List.of(1), 1).foreach(i -> {
                    started.countDown();
                    Thread.sleep(60_000);
                });
            } catch (Throwable t) {
                caught[0] = t;
            } finally {
                jsc.clearJobGroup();
            }
        });
        job.start();
        assertTrue(started.await(60, TimeUnit.SECONDS), "the job's task started");
        jsc.cancelJobGroup("cancellation-test");
        job.join(60_000);
        assertNotNull(caught[0], "the cancelled job threw");
        assertTrue(Cancellation.isCancellation(caught[0]), caught[0].toString());

        SparkException failed = assertThrows(SparkException.class, () -> jsc.parallelize(List.of(1), 1).foreach(i -> {
            throw new IllegalStateException("Job 7 cancelled is not what this task says: it failed");
        }));
        assertFalse(Cancellation.isCancellation(failed), failed.getMessage());
        assertTrue(Cancellation.isCancellation(new RuntimeException(new CancellationException("sweep stopped"))));
    }
}
