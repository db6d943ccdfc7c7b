package org.unirep.nn;

/**
 * Turns on DL4J's oneDNN layer helpers (convolution, pooling, batch norm) on the CPU backend.
 * DL4J 1.0.0-M2.1 ships them switched off (system property {@value #PROPERTY} defaults to true) and,
 * even when switched on, cannot find the backend's oneDNN flag (see {@link
 * org.nd4j.nativeblas.Nd4jCpu}). Without them a convolution layer copies its input into an
 * im2col buffer in a strided layout that costs 5-10x the convolution itself: measured on the
 * reference models, a generator step with the frozen critic went from 1185 to 453 ms
 * (2 threads).
 *
 * <p>DL4J reads the property when a layer is built, so every place that builds or loads a network
 * calls {@link #enable()} first. A user who sets the property (to {@code true}, to compare) keeps it.
 * On CUDA the helpers are cuDNN's and this changes nothing.
 */
public final class OneDnn {
    public static final String PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private OneDnn() {}

    public static void enable() {
        if (System.getProperty(PROPERTY) == null) System.setProperty(PROPERTY, "false");
    }
}
