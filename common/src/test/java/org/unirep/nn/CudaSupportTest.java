package org.unirep.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaSupport.check(gpus, -1));
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(e.getMessage().startsWith("GPU 0 (NVIDIA H200) has compute capability 9.0;"), e.getMessage());
        assertTrue(e.getMessage().contains("3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0, 8.6"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> CudaSupport.check(gpus, 0), "the task's own GPU");
        CudaSupport.check(gpus, 1); // a task bound to the V100 runs
        assertThrows(IllegalStateException.class, () -> CudaSupport.check(gpus, 2), "a GPU nvidia-smi does not list");
        assertThrows(IllegalStateException.class, () -> CudaSupport.check(List.of(), -1), "no GPU at all");
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

    /** The CPU build (this one) has no CUDA backend: the check asks nothing and passes. */
    @Test
    void theCpuBuildIsNotChecked() {
        assertFalse(CudaSupport.cudaBuild());
        CudaSupport.check(-1);
    }

    private static Path script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }
}
