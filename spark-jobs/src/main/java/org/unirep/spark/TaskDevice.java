package org.unirep.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.nn.CudaSupport;

/**
 * Binds this task's ND4J work to what Spark gave it: the GPU of its "gpu" resource (executor and
 * task GPU amounts plus a discovery script), or on CPU as many ND4J threads as spark.task.cpus.
 */
public final class TaskDevice {
    private TaskDevice() {}

    /** Binds, and returns the device for the runs table: "gpu:N" or "cpu:T threads". */
    public static String bind() {
        TaskContext tc = TaskContext.get();
        if (tc != null) {
            scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
            if (gpu.isDefined() && gpu.get().addresses().length > 0) {
                int device = Integer.parseInt(gpu.get().addresses()[0]);
                CudaSupport.check(device); // one line naming an unsupported GPU, not CUDA's "no kernel image" mid-step
                Nd4j.getAffinityManager().unsafeSetDevice(device);
                return "gpu:" + device;
            }
        }
        int threads = tc != null ? tc.cpus() : Runtime.getRuntime().availableProcessors();
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        return "cpu:" + threads + (threads == 1 ? " thread" : " threads");
    }
}
