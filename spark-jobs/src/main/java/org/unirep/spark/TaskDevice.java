package org.unirep.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.nn.CudaSupport;
import org.unirep.nn.CudaSupport.Backend;

/**
 * Binds this task's ND4J work to what Spark gave it: the GPU of its "gpu" resource (executor and
 * task GPU amounts plus a discovery script), or on CPU as many ND4J threads as spark.task.cpus.
 * The first thing a task does, before any ND4J use: in the CUDA build it decides the backend
 * (CudaSupport), so a task on a GPU ND4J cannot drive fails with one line, not deep in a step.
 */
public final class TaskDevice {
    private TaskDevice() {}

    /** Binds, and returns the device for the runs table: "gpu:N" or "cpu:T threads". */
    public static String bind() {
        TaskContext tc = TaskContext.get();
        scala.Option<ResourceInformation> gpu = tc != null ? tc.resources().get("gpu") : scala.Option.empty();
        if (gpu.isDefined() && gpu.get().addresses().length > 0) {
            int device = Integer.parseInt(gpu.get().addresses()[0]);
            if (CudaSupport.check(device) == Backend.CUDA) {
                Nd4j.getAffinityManager().unsafeSetDevice(device);
                return "gpu:" + device;
            }
        } else if (CudaSupport.check(-1) == Backend.CUDA) {
            return "gpu:" + Nd4j.getAffinityManager().getDeviceForCurrentThread(); // no GPU resource: ND4J's default device
        }
        int threads = tc != null ? tc.cpus() : Runtime.getRuntime().availableProcessors();
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        return "cpu:" + threads + (threads == 1 ? " thread" : " threads");
    }
}
