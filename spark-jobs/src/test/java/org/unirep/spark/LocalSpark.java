package org.unirep.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for every test class in the JVM (two workers: parameter averaging is real). */
public final class LocalSpark {
    private LocalSpark() {}

    public static synchronized SparkSession get() {
        return SparkSessions.getOrCreate("unirep-tests", "local[2]");
    }
}
