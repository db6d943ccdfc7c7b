package org.unirep.compression;

/**
 * The allowed values of a model setting, with the words an error uses for them: one rule per kind
 * of setting, checked by {@link CompressionConfig} and by the sweep config reader (which names the key).
 */
public enum Range {
    /** Learning rates, the soft-to-hard sigma. */
    POSITIVE("a finite number > 0") {
        public boolean holds(double v) { return v > 0 && !Double.isInfinite(v); }
    },
    /** Adam's betas. */
    UNIT_INTERVAL("a number in [0, 1)") {
        public boolean holds(double v) { return v >= 0 && v < 1; }
    },
    /** The weight of the classification or perception loss. */
    LAMBDA("a finite lambda >= 0") {
        public boolean holds(double v) { return v >= 0 && !Double.isInfinite(v); }
    };

    public final String expected;

    Range(String expected) {
        this.expected = expected;
    }

    public abstract boolean holds(double v);

    /** {@code v}, or an IllegalArgumentException naming the setting, its value and what was expected. */
    public double check(String name, double v) {
        if (!holds(v)) throw new IllegalArgumentException(name + " = " + v + ", expected " + expected);
        return v;
    }
}
