package org.unirep.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a SparkSession is made. Under spark-submit the master and settings come from the
 * submit command; a plain launch (bin/unirep, tests) gets {@code local[*]} unless told otherwise.
 */
public final class SparkSessions {
    private SparkSessions() {}

    private static final Logger log = LoggerFactory.getLogger(SparkSessions.class);
    static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";

    public static SparkSession getOrCreate(String appName, String masterIfUnset) {
        return SparkSession.builder().config(configure(new SparkConf(true), appName, masterIfUnset)).getOrCreate();
    }

    /** Our settings on top of what spark-submit passed. */
    static SparkConf configure(SparkConf conf, String appName, String masterIfUnset) {
        if (!conf.contains("spark.master")) {
            conf.setMaster(masterIfUnset != null ? masterIfUnset : "local[*]");
        }
        if (!conf.contains("spark.app.name")) conf.setAppName(appName);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.parquet.compression.codec", "zstd");
        // The results tables are Delta tables: its SQL (OPTIMIZE, table properties, MERGE) needs the extension and catalog.
        String extensions = conf.get("spark.sql.extensions", "");
        if (!extensions.contains(DELTA_EXTENSION)) conf.set("spark.sql.extensions", extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        conf.setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // A task trains a model into its point's staging and checkpoint folders: a speculative copy would share them.
        if (conf.getBoolean("spark.speculation", false)) {
            log.warn("spark.speculation=true is turned off: a speculative copy of a training task would share its point's folders");
        }
        conf.set("spark.speculation", "false");
        return conf;
    }
}
