package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.unirep.nn.CudaSupport.Backend;

class CudaSupportTest {

    private static final String H200_AND_V100 = """
            0, NVIDIA H200, 9.0
            1, Tesla V100-SXM2-16GB, 7.0
            """;

    /** An unsupported GPU stops the run with one line naming it, its compute capability and the supported ones. */
    @Test
    void anUnsupportedGpuIsNamedInOneLine() {
        List<CudaSupport.Gpu> gpus = CudaSupport.parse(H200_AND_V100);
        assertEquals(List.of(new CudaSupport.Gpu(0, "NVIDIA H200", "9.0"), new CudaSupport.Gpu(1, "Tesla V100-SXM2-16GB", "7.0")), gpus);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> decide(gpus, -1, Map.of()));
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(e.getMessage().startsWith("GPU 0 (NVIDIA H200) has compute capability 9.0;"), e.getMessage());
        assertTrue(e.getMessage().contains("3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0, 8.6"), e.getMessage());
        assertTrue(e.getMessage().endsWith("or set BACKEND_PRIORITY_CPU=200 to run on the CPU backend"), e.getMessage());
        // sm_86 code runs on 8.9 (L4, L40S) and sm_70 on 7.2 (Xavier); no code of major 9 exists, nor of 8.x for 9.0.
        for (String cc : List.of("8.9", "8.7", "7.2", "8.6", "3.7")) assertTrue(new CudaSupport.Gpu(0, "x", cc).supported(), cc);
        for (String cc : List.of("9.0", "3.5", "10.0", "8", "")) assertFalse(new CudaSupport.Gpu(0, "x", cc).supported(), cc);
        assertEquals(Backend.CUDA, decide(CudaSupport.parse("0, NVIDIA L4, 8.9\n"), 0, Map.of()).backend(), "an L4 runs the sm_86 code");
        assertThrows(IllegalStateException.class, () -> decide(gpus, 0, Map.of()), "the task's own GPU");
        assertEquals(Backend.CUDA, decide(gpus, 1, Map.of()).backend(), "a task bound to the V100 runs on it");
        assertThrows(IllegalStateException.class, () -> decide(gpus, 2, Map.of()), "a GPU nvidia-smi does not list");
        // ND4J's ordering as it reads it: a CPU priority at or below the GPU's leaves the choice to the GPUs
        assertThrows(IllegalStateException.class, () -> decide(gpus, -1, Map.of("BACKEND_PRIORITY_CPU", "100")));
        assertThrows(IllegalStateException.class, () -> decide(gpus, -1, Map.of("BACKEND_PRIORITY_CPU", "200", "BACKEND_PRIORITY_GPU", "300")));
    }

    /** Without a GPU the CUDA build runs on the CPU backend and says so; a task that Spark gave a GPU nvidia-smi cannot see fails. */
    @Test
    void noGpuRunsOnTheCpu() {
        CudaSupport.Choice c = decide(List.of(), -1, Map.of());
        assertEquals(Backend.CPU, c.backend());
        assertEquals("this is unirep's CUDA build (-Pcuda), but nvidia-smi lists no GPU here: ND4J runs on its CPU backend", c.warning());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> decide(List.of(), 3, Map.of()));
        assertEquals("GPU 3 was assigned to this task, but nvidia-smi lists no GPU here", e.getMessage());
    }

    /** BACKEND_PRIORITY_CPU above the GPU's runs every task on the CPU, unsupported GPUs included, without asking nvidia-smi. */
    @Test
    void theUserCanChooseTheCpu() {
        Supplier<List<CudaSupport.Gpu>> unasked = () -> fail("nvidia-smi asked although the CPU was chosen");
        CudaSupport.Choice c = CudaSupport.decide(unasked, -1, Map.of("BACKEND_PRIORITY_CPU", "200"));
        assertEquals(new CudaSupport.Choice(Backend.CPU, "ND4J runs on its CPU backend: BACKEND_PRIORITY_CPU=200 is above BACKEND_PRIORITY_GPU=100"), c);
        assertTrue(CudaSupport.decide(unasked, 0, Map.of("BACKEND_PRIORITY_GPU", "-1")).warning()
                .endsWith("BACKEND_PRIORITY_CPU=0 is above BACKEND_PRIORITY_GPU=-1 (GPU 0, assigned to this task, stays unused)"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaSupport.decide(unasked, -1, Map.of("BACKEND_PRIORITY_CPU", "high")));
        assertTrue(e.getMessage().startsWith("BACKEND_PRIORITY_CPU='high' is not an integer"), e.getMessage());
    }

    @Test
    void namesWithCommasAndBadLines() {
        assertEquals(List.of(new CudaSupport.Gpu(3, "A100, 80GB", "8.0")), CudaSupport.parse("  3, A100, 80GB, 8.0  \n\n"));
        assertTrue(CudaSupport.parse("3, A100, 8.0").get(0).supported());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaSupport.parse("No devices were found"));
        assertTrue(e.getMessage().contains("'No devices were found'"), e.getMessage());
    }

    /** The query runs the command and reads its CSV; a failing command is reported with its first line; a missing one means no GPU. */
    @Test
    void queriesTheCommand(@TempDir Path dir) throws IOException {
        Path smi = script(dir.resolve("smi"), "printf '0, Tesla T4, 7.5\\n'");
        assertEquals(List.of(new CudaSupport.Gpu(0, "Tesla T4", "7.5")), CudaSupport.query(List.of(smi.toString())));
        Path broken = script(dir.resolve("broken"), "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver'; exit 9");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaSupport.query(List.of(broken.toString())));
        assertTrue(e.getMessage().contains("exit 9") && e.getMessage().contains("could not communicate"), e.getMessage());
        assertEquals(List.of(), CudaSupport.query(List.of(dir.resolve("absent").toString())));
    }

    /** The CPU build has no CUDA backend: the check asks nothing and answers CPU. */
    @Test
    void theCpuBuildIsNotChecked() {
        assumeFalse(CudaSupport.cudaBuild(), "the CUDA build (-Pcuda)");
        assertEquals(Backend.CPU, CudaSupport.check(-1));
    }

    /**
     * The CUDA build (mvn -Pcuda; .ci/run runs this class so) on a machine without a GPU: ND4J runs
     * on its CPU backend, the warning says so, and the stack trace of ND4J's failed CUDA probe stays off stderr.
     */
    @Test
    void theCudaBuildRunsOnTheCpuWithoutAGpu() {
        assumeTrue(CudaSupport.cudaBuild(), "the CUDA build (-Pcuda)");
        assumeTrue(CudaSupport.query(CudaSupport.QUERY).isEmpty(), "a machine without a GPU");
        PrintStream err = System.err;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        System.setErr(new PrintStream(seen, true, StandardCharsets.UTF_8));
        Backend b;
        try {
            b = CudaSupport.check(-1);
        } finally {
            System.setErr(err);
        }
        String out = seen.toString(StandardCharsets.UTF_8);
        err.print(out);
        assertEquals(Backend.CPU, b);
        assertFalse(CudaSupport.isCuda(Nd4j.getBackend()), Nd4j.getBackend().getClass().getName());
        assertEquals(6.0, Nd4j.createFromArray(1f, 2f, 3f).sumNumber().doubleValue(), 0.0, "the CPU backend computes");
        assertTrue(out.contains("nvidia-smi lists no GPU here: ND4J runs on its CPU backend"), out);
        assertFalse(out.contains("\tat org."), "no stack trace: " + out);
    }

    private static CudaSupport.Choice decide(List<CudaSupport.Gpu> gpus, int device, Map<String, String> env) {
        return CudaSupport.decide(() -> gpus, device, env);
    }

    private static Path script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
