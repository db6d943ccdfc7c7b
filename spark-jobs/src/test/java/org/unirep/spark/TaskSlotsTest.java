package org.unirep.spark;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskSlotsTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    @Test
    void localTwoCoresOneCpuPerTaskIsTwoSlots() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.session().sparkContext());
        assertEquals(2, TaskSlots.now(jsc), "local[2], spark.task.cpus = 1");
    }
}
