package org.unirep.cli;

import org.apache.spark.sql.SparkSession;
import org.unirep.spark.SparkSessions;
import picocli.CommandLine.Option;

/** Shared by the Spark commands: the master used when not launched by spark-submit. */
public class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not set by spark-submit (default: local[*]).")
    String master;

    SparkSession session(String app) {
        return SparkSessions.getOrCreate("unirep " + app, master);
    }
}
