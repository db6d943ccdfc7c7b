package org.unirep.spark;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class TaskSlotsTest {
    @Test
    void localTwoCoresOneCpuPerTaskIsTwoSlots() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        assertEquals(2, TaskSlots.now(jsc), "local[2], spark.task.cpus = 1");
    }
}
