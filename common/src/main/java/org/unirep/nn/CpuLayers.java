package org.unirep.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether a model uses the layers written for the CPU backend's speed ({@link
 * CachingDeconvolution2D}, {@link InputGradientConvolution}) or DL4J's own, which on CUDA run
 * cuDNN's kernels where present: ours were measured on the CPU only, and they would stand between
 * DL4J and cuDNN. Both give the same numbers (each layer's test checks it against DL4J's).
 * {@link BranchFreeLeakyReLU} stays on every backend: it is plain ND4J ops, and it carries
 * PyTorch's slope at exactly 0, where DL4J's LeakyReLU has slope 1. {@link MomentsBatchNormHelper}
 * is not switched here: it carries PyTorch's running statistics, and replaces only the CPU's
 * oneDNN helper (on CUDA, cuDNN's helper and DL4J's running statistics stay).
 *
 * <p>Decided by ND4J's backend, or by the system property {@value #PROPERTY} ({@code auto}, the
 * default; {@code true}; {@code false}: DL4J's layers on the CPU too, to compare).
 */
public final class CpuLayers {
    public static final String PROPERTY = "unirep.cpu-layers";

    private CpuLayers() {}

    public static boolean active() {
        String v = System.getProperty(PROPERTY, "auto").strip();
        return switch (v) {
            case "auto" -> !CudaSupport.isCuda(Nd4j.getBackend());
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected auto, true or false");
        };
    }
}
