package org.unirep.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether ND4J's CUDA build can drive this machine's GPUs, asked before ND4J loads.
 * {@code nd4j-cuda-11.6} 1.0.0-M2.1, the only CUDA build of ND4J on Maven Central, holds machine
 * code for the compute capabilities below and no PTX (README, "GPUs"): on any other GPU (H100,
 * compute 9.0, and later) CUDA fails with "no kernel image is available" at the first kernel, deep
 * in a training step. This check names the device instead, in one line, before any work starts.
 * It does nothing in the CPU build (no CUDA backend on the classpath) and runs nvidia-smi once per JVM.
 */
public final class CudaSupport {
    /** Compute capabilities with machine code in nd4j-cuda-11.6 1.0.0-M2.1's libnd4jcuda.so. */
    public static final List<String> COMPUTE_CAPABILITIES = List.of("3.7", "5.0", "5.2", "6.0", "6.1", "7.0", "7.5", "8.0", "8.6");
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    static final List<String> QUERY = List.of("nvidia-smi", "--query-gpu=index,name,compute_cap", "--format=csv,noheader");
    private static final String CPU_BUILD = "the CPU build (mvn package without -Pcuda)";

    private static volatile List<Gpu> gpus; // this JVM's answer from nvidia-smi, once asked

    private CudaSupport() {}

    /** One GPU as nvidia-smi lists it. */
    public record Gpu(int index, String name, String computeCapability) {
        public boolean supported() {
            return COMPUTE_CAPABILITIES.contains(computeCapability);
        }
    }

    /**
     * In the CUDA build, fails with one line unless the GPU this process will use can run ND4J's
     * kernels: {@code device} (an index as nvidia-smi and Spark's discovery script number them), or
     * every visible GPU when {@code device} is negative.
     */
    public static void check(int device) {
        if (!cudaBuild()) return;
        List<Gpu> listed = gpus;
        if (listed == null) gpus = listed = query(QUERY);
        check(listed, device);
    }

    static void check(List<Gpu> listed, int device) {
        if (listed.isEmpty()) {
            throw new IllegalStateException("this is unirep's CUDA build (-Pcuda), but nvidia-smi lists no GPU here: run " + CPU_BUILD
                    + " on machines without one");
        }
        boolean found = false;
        for (Gpu g : listed) {
            if (device >= 0 && g.index() != device) continue;
            found = true;
            if (!g.supported()) {
                throw new IllegalStateException("GPU " + g.index() + " (" + g.name() + ") has compute capability " + g.computeCapability()
                        + "; ND4J's CUDA build (nd4j-cuda-11.6 1.0.0-M2.1) runs only on compute capability "
                        + String.join(", ", COMPUTE_CAPABILITIES) + " (V100, T4, A100, A10, ...): use such GPUs, or " + CPU_BUILD);
            }
        }
        if (!found) throw new IllegalStateException("GPU " + device + " was assigned to this task, but nvidia-smi does not list it: " + listed);
    }

    static boolean cudaBuild() {
        try {
            Class.forName(CUDA_BACKEND, false, CudaSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Runs {@code command} (nvidia-smi's CSV query) and parses its lines. */
    static List<Gpu> query(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return List.of(); // no nvidia-smi: no NVIDIA driver, so no GPU either
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not answer within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + out.lines().findFirst().orElse(""));
            }
            return parse(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the answer of " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking nvidia-smi for the GPUs", e);
        }
    }

    /** Lines "index, name, compute_cap" (a name may hold commas: the first and last fields are fixed). */
    static List<Gpu> parse(String csv) {
        List<Gpu> out = new ArrayList<>();
        for (String line : csv.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            int first = line.indexOf(','), last = line.lastIndexOf(',');
            if (first < 0 || first == last) throw new IllegalStateException("unexpected nvidia-smi line '" + line + "': expected 'index, name, compute_cap'");
            try {
                out.add(new Gpu(Integer.parseInt(line.substring(0, first).strip()), line.substring(first + 1, last).strip(),
                        line.substring(last + 1).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("unexpected nvidia-smi line '" + line + "': the first field is not a GPU index", e);
            }
        }
        return out;
    }
}
