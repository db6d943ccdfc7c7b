package org.unirep.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.unirep.io.HadoopFiles;
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

    /**
     * Files as the driver's Spark will see them, before a session exists: Hadoop's configuration (core-site.xml on
     * the classpath) plus every {@code spark.hadoop.*} setting spark-submit passed (as Spark itself applies them).
     */
    static HadoopFiles driverFiles() {
        Configuration c = new Configuration();
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("spark.hadoop.")) c.set(k.substring("spark.hadoop.".length()), System.getProperty(k));
        }
        return HadoopFiles.of(c);
    }
}
