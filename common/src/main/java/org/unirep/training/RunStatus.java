package org.unirep.training;

/** How a run ended; {@link #id()} is the word the results tables and model metadata store. */
public enum RunStatus {
    /** Trained to its last epoch; the model is saved. */
    OK,
    /** Threw (a bug, a lost executor, bad input): a rerun of the sweep retries it. */
    FAILED,
    /** Its loss became NaN or infinite: the same seed diverges again, so a rerun does not retry it. */
    DIVERGED;

    public String id() { return name().toLowerCase(); }

    public static RunStatus parse(String s) {
        for (RunStatus v : values()) if (v.id().equals(s)) return v;
        throw new IllegalArgumentException("unknown run status '" + s + "', expected ok, failed or diverged");
    }
}
