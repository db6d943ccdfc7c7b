package org.nd4j.nativeblas;

/**
 * Shim for a DL4J 1.0.0-M2.1 bug: its oneDNN layer helpers (BaseMKLDNNHelper.mklDnnEnabled) look
 * up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection, a class that moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings} in M2; the failed lookup switches every helper off
 * and ConvolutionLayer falls back to im2col + gemm, 5-10x slower (docs/performance.md, "ND4J on oneDNN"). This class answers
 * that lookup with the real backend's answer. Nothing else may use it; see {@link
 * org.unirep.nn.OneDnn}.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether the loaded CPU backend was built with oneDNN (false on any other backend). */
        public boolean isUseMKLDNN() {
            try {
                return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
            } catch (LinkageError notTheCpuBackend) {
                return false;
            }
        }
    }
}
