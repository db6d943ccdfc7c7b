package org.unirep.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Spark session per test class, in the style of deequ's withSparkSession: register it as
 * {@code @RegisterExtension static final LocalSpark SPARK = new LocalSpark();} and use
 * {@code SPARK.session()}. Each class gets its own session (SQL settings, temp views, functions),
 * whose cached tables are dropped after the class. Under it is the JVM's one local[2] SparkContext
 * (Spark allows one per JVM, and starting one per class would cost seconds each); two cores, so
 * parameter averaging is real.
 *
 * <p>Because that context is shared, a test never calls {@code cancelAllJobs()} on it (it would
 * cancel whatever another class has running): it runs what it may cancel in a job group of its own
 * ({@code setJobGroup}; a sweep's jobs run in {@code Cancellation.jobGroup(sweepId)}) and cancels
 * that group. CancellationTest checks that no test does otherwise.
 */
public final class LocalSpark implements BeforeAllCallback, AfterAllCallback {
    private volatile SparkSession session;

    /** This class's session, from before its first {@code @BeforeAll} to after its last test. */
    public SparkSession session() {
        SparkSession s = session;
        if (s == null) throw new IllegalStateException("no session: register LocalSpark as a static @RegisterExtension field");
        return s;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        session = root().newSession();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        session.catalog().clearCache();
        session = null;
    }

    /** The root session over the JVM's local[2] context: the one code under test gets from SparkSessions.getOrCreate. */
    static synchronized SparkSession root() {
        return SparkSessions.getOrCreate("unirep-tests", "local[2]");
    }
}
