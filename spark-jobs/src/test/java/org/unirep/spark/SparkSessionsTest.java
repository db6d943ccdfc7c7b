package org.unirep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
    @Test
    void speculationIsAlwaysOffAndSubmittedSettingsWin() {
        SparkConf submitted = new SparkConf(false).set("spark.speculation", "true").set("spark.master", "yarn")
                .set("spark.sql.parquet.compression.codec", "snappy");
        SparkConf c = SparkSessions.configure(submitted, "unirep sweep", null);
        assertEquals("false", c.get("spark.speculation"), "two copies of a point would share its staging and checkpoint folders");
        assertEquals("yarn", c.get("spark.master"));
        assertEquals("snappy", c.get("spark.sql.parquet.compression.codec"));
        SparkConf plain = SparkSessions.configure(new SparkConf(false), "unirep sweep", null);
        assertEquals("local[*]", plain.get("spark.master"));
        assertEquals("false", plain.get("spark.speculation"));
        assertEquals("zstd", plain.get("spark.sql.parquet.compression.codec"));
    }
}
