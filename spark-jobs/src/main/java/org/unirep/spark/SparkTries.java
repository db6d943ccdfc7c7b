package org.unirep.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;

/** How many times Spark runs a task before it fails the job: {@code spark.task.maxFailures}, which local masters replace. */
public final class SparkTries {
    private static final Pattern LOCAL_WITH_FAILURES = Pattern.compile("local\\[[^,\\]]+,\\s*(\\d+)\\]");

    private SparkTries() {}

    public static int perTask(SparkContext sc) {
        return perTask(sc.master(), sc.conf().getInt("spark.task.maxFailures", 4));
    }

    /** {@code local[N,F]}: F; {@code local} and {@code local[N]}: 1 (Spark does not retry there); else {@code maxFailures}. */
    static int perTask(String master, int maxFailures) {
        Matcher m = LOCAL_WITH_FAILURES.matcher(master);
        if (m.matches()) return Integer.parseInt(m.group(1));
        if (master.equals("local") || master.startsWith("local[")) return 1;
        return maxFailures;
    }
}
