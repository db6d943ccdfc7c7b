package org.unirep.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place a SparkSession is made. Under spark-submit the master and settings come from the
 * submit command; a plain launch (bin/unirep, tests) gets {@code local[*]} unless told otherwise.
 */
public final class SparkSessions {
    private SparkSessions() {}

    public static SparkSession getOrCreate(String appName, String masterIfUnset) {
        SparkConf conf = new SparkConf(true);
        if (!conf.contains("spark.master")) {
            conf.setMaster(masterIfUnset != null ? masterIfUnset : "local[*]");
        }
        if (!conf.contains("spark.app.name")) conf.setAppName(appName);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.parquet.compression.codec", "zstd");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
