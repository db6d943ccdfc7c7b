package org.unirep.nn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which ND4J backend the CUDA build runs on here, decided before ND4J loads.
 * {@code nd4j-cuda-11.6} 1.0.0-M2.1, the only CUDA build of ND4J on Maven Central, holds machine
 * code for the compute capabilities below and no PTX (docs/cluster.md, "GPUs"): on any other GPU (H100,
 * compute 9.0, and later) CUDA fails with "no kernel image is available" at the first kernel, deep
 * in a training step. This check names the device instead, in one line, before any work starts.
 *
 * <p>The CUDA build carries the CPU backend too. ND4J loads the available backend of highest
 * priority (its environment variables {@code BACKEND_PRIORITY_GPU}, default 100, and
 * {@code BACKEND_PRIORITY_CPU}, default 0): CUDA where a GPU is, the CPU elsewhere (a driver
 * without a GPU), or the CPU everywhere when {@code BACKEND_PRIORITY_CPU} is the higher one,
 * which is how a user runs this build on a GPU it cannot drive. Each CPU case logs one warning.
 * Nothing of this runs in the CPU build (no CUDA backend on the classpath); nvidia-smi runs once per JVM.
 */
public final class CudaSupport {
    private static final Logger log = LoggerFactory.getLogger(CudaSupport.class);

    /** Compute capabilities with machine code in nd4j-cuda-11.6 1.0.0-M2.1's libnd4jcuda.so. */
    public static final List<String> COMPUTE_CAPABILITIES = List.of("3.7", "5.0", "5.2", "6.0", "6.1", "7.0", "7.5", "8.0", "8.6");
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    static final List<String> QUERY = List.of("nvidia-smi", "--query-gpu=index,name,compute_cap", "--format=csv,noheader");
    /** ND4J's own switch (read by Nd4jBackend from the environment only): above the GPU's 100, the CPU backend wins. */
    static final String CPU_PRIORITY = "BACKEND_PRIORITY_CPU", GPU_PRIORITY = "BACKEND_PRIORITY_GPU";
    static final String FORCE_CPU = CPU_PRIORITY + "=200";

    /** The backend ND4J runs on in this process. */
    public enum Backend { CPU, CUDA }

    /** A decision and, for the CPU in the CUDA build, the warning that says why. */
    record Choice(Backend backend, String warning) {}

    private static volatile List<Gpu> gpus; // this JVM's answer from nvidia-smi, once asked
    private static volatile String warned;  // the last warning logged, so that every task does not repeat it

    private CudaSupport() {}

    /** One GPU as nvidia-smi lists it. */
    public record Gpu(int index, String name, String computeCapability) {
        /**
         * Whether the library's machine code runs here: CUDA runs sm_XY code on compute capability X.Z for Z >= Y (same
         * major), so the sm_86 code runs on 8.9 (L4, L40S) while nothing runs on 9.0 (H100, H200: no PTX to compile).
         */
        public boolean supported() {
            String[] d = computeCapability.split("\\.");
            if (d.length != 2) return false;
            for (String c : COMPUTE_CAPABILITIES) {
                String[] k = c.split("\\.");
                if (k[0].equals(d[0]) && d[1].matches("[0-9]+") && Integer.parseInt(k[1]) <= Integer.parseInt(d[1])) return true;
            }
            return false;
        }
    }

    /**
     * The backend this process runs on: {@code device} is the GPU index Spark assigned the task (as
     * nvidia-smi and Spark's discovery script number them), or negative for every visible GPU. In the
     * CUDA build it fails with one line on a GPU that ND4J's kernels cannot run (unless the user chose
     * the CPU) or when ND4J cannot load CUDA on a GPU it lists; on the CPU it logs why and loads that
     * backend without CUDA's probe on stderr.
     */
    public static Backend check(int device) {
        if (!cudaBuild()) return Backend.CPU;
        Choice c = decide(CudaSupport::visibleGpus, device, System.getenv());
        if (c.backend() == Backend.CPU) {
            if (!c.warning().equals(warned)) log.warn(c.warning());
            warned = c.warning();
            loadWithoutCudaProbeNoise();
        } else if (!isCuda(Nd4j.getBackend())) {
            // ND4J fell back to the CPU on its own: a GPU run must not go on at CPU speed unnoticed
            throw new IllegalStateException("nvidia-smi lists " + visibleGpus() + ", but ND4J did not load its CUDA backend (its warning"
                    + " 'Skipped [JCublasBackend]' names the cause, e.g. no CUDA 11.6 runtime): set " + FORCE_CPU + " to run on the CPU on purpose");
        }
        return c.backend();
    }

    static Choice decide(Supplier<List<Gpu>> visible, int device, Map<String, String> env) {
        int cpu = priority(env, CPU_PRIORITY, 0), gpu = priority(env, GPU_PRIORITY, 100);
        if (cpu > gpu) {
            return new Choice(Backend.CPU, "ND4J runs on its CPU backend: " + CPU_PRIORITY + "=" + cpu + " is above " + GPU_PRIORITY + "=" + gpu
                    + (device >= 0 ? " (GPU " + device + ", assigned to this task, stays unused)" : ""));
        }
        List<Gpu> listed = visible.get();
        if (listed.isEmpty()) {
            if (device >= 0) throw new IllegalStateException("GPU " + device + " was assigned to this task, but nvidia-smi lists no GPU here");
            return new Choice(Backend.CPU, "this is unirep's CUDA build (-Pcuda), but nvidia-smi lists no GPU here: ND4J runs on its CPU backend");
        }
        boolean found = false;
        for (Gpu g : listed) {
            if (device >= 0 && g.index() != device) continue;
            found = true;
            if (!g.supported()) {
                throw new IllegalStateException("GPU " + g.index() + " (" + g.name() + ") has compute capability " + g.computeCapability()
                        + "; ND4J's CUDA build (nd4j-cuda-11.6 1.0.0-M2.1) runs only on compute capability "
                        + String.join(", ", COMPUTE_CAPABILITIES) + " and later minors of the same major (V100, T4, A100, A10, L4, ...): use"
                        + " such GPUs, or set " + FORCE_CPU
                        + " to run on the CPU backend");
            }
        }
        if (!found) throw new IllegalStateException("GPU " + device + " was assigned to this task, but nvidia-smi does not list it: " + listed);
        return new Choice(Backend.CUDA, null);
    }

    private static int priority(Map<String, String> env, String name, int unset) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) return unset; // as ND4J reads it
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + "='" + v + "' is not an integer: ND4J orders its backends by it (" + FORCE_CPU
                    + " runs the CUDA build on the CPU)");
        }
    }

    /**
     * Loads ND4J's backend with stderr held back: without a GPU, ND4J's CUDA backend prints the
     * stack trace of its failed probe (no libcudart, or no device) before it falls back to the CPU,
     * which the warning above already explains. Shown after all if the CPU backend was not the one loaded.
     */
    private static synchronized void loadWithoutCudaProbeNoise() {
        PrintStream err = System.err;
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        Nd4jBackend backend;
        System.setErr(new PrintStream(held, true, StandardCharsets.UTF_8));
        try {
            backend = Nd4j.getBackend();
        } finally {
            System.setErr(err);
        }
        if (isCuda(backend)) {
            err.print(held.toString(StandardCharsets.UTF_8));
            throw new IllegalStateException("ND4J loaded its CUDA backend although this process was to run on the CPU: " + warned);
        }
        if (held.size() > 0) log.debug("ND4J's CUDA probe: {}", held.toString(StandardCharsets.UTF_8));
    }

    static boolean isCuda(Nd4jBackend backend) {
        return backend.getClass().getName().equals(CUDA_BACKEND);
    }

    static boolean cudaBuild() {
        try {
            Class.forName(CUDA_BACKEND, false, CudaSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static List<Gpu> visibleGpus() {
        List<Gpu> listed = gpus;
        if (listed == null) gpus = listed = query(QUERY);
        return listed;
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
