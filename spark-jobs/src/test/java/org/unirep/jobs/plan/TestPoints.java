package org.unirep.jobs.plan;

import org.unirep.compression.Kind;
import org.unirep.compression.Mode;

/** Grid points for tests: a (3,3) MNIST point with the reference optimiser; what a test varies is named. */
public final class TestPoints {
    public static final Optimizer REFERENCE = new Optimizer(0.01, 0.0002, 0.5, 0.9, 1.0);

    private TestPoints() {}

    /** A fan-out point: universal when it names an encoder run, else end to end at its own lambda. */
    public static GridPoint fanOut(Mode mode, double lambda, double encoderLambda, String encoderRunId, long seed) {
        return new GridPoint(Stage.FANOUT, encoderRunId == null ? Kind.END_TO_END : Kind.UNIVERSAL, mode, "mnist", "0123456789abcdef",
                "fedcba9876543210", 3, 3, lambda, encoderLambda, encoderRunId, seed, 30, 64, REFERENCE, 0, 0, 0, 0);
    }

    /** A stage-1 shared encoder, trained end to end at {@code lambda} on 2 workers. */
    public static GridPoint encoder(Mode mode, double lambda, long seed) {
        return encoder(mode, lambda, seed, 2);
    }

    /** A stage-1 shared encoder, trained end to end at {@code lambda} on {@code workers} workers. */
    public static GridPoint encoder(Mode mode, double lambda, long seed, int workers) {
        return new GridPoint(Stage.ENCODER, Kind.END_TO_END, mode, "mnist", "0123456789abcdef", "fedcba9876543210", 3, 3, lambda,
                lambda, null, seed, 30, 64, REFERENCE, 0, 0, workers, 5);
    }
}
