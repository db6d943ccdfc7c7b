package org.unirep.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cancelled Spark job is told from a failed one by the exception Spark 3.5 really throws. The job
 * runs in this test's own job group, and only that group is cancelled: the SparkContext is shared
 * with every other test class (LocalSpark).
 */
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

    /** Cancelling every job of the shared context would reach other classes' jobs: tests cancel their own job group. */
    @Test
    void noTestCancelsEveryJobOfTheSharedContext() throws IOException {
        Pattern call = Pattern.compile("\\.cancel" + "AllJobs\\s*\\(");
        try (Stream<Path> s = Files.walk(Path.of("src/test/java"))) {
            List<Path> offenders = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".java")).toList()) if (call.matcher(Files.readString(p)).find()) offenders.add(p);
            assertEquals(List.of(), offenders, "use setJobGroup/cancelJobGroup (a sweep's group: Cancellation.jobGroup(id)), not a call of " + call);
        }
    }
}
