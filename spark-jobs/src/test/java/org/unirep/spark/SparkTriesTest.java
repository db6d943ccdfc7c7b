package org.unirep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SparkTriesTest {
    @Test
    void localMastersTryOnceUnlessTheyNameTheirFailuresAndClustersUseMaxFailures() {
        assertEquals(1, SparkTries.perTask("local", 4));
        assertEquals(1, SparkTries.perTask("local[2]", 4));
        assertEquals(1, SparkTries.perTask("local[*]", 4));
        assertEquals(3, SparkTries.perTask("local[2,3]", 4));
        assertEquals(5, SparkTries.perTask("local[*, 5]", 4));
        assertEquals(4, SparkTries.perTask("yarn", 4));
        assertEquals(2, SparkTries.perTask("spark://host:7077", 2));
        assertEquals(4, SparkTries.perTask("local-cluster[2,1,1024]", 4));
    }
}
