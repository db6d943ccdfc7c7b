package org.unirep.training;

/** How a run ended; {@link #id()} is the word the results tables and model metadata store. */
public enum RunStatus {
    /** Trained to its last epoch; the model is saved. */
    OK,
    /** Threw (an I/O error, a lost executor, out of memory, a bug): the sweep's retries and a rerun retry it. */
    FAILED,
    /** Its loss became NaN or infinite: the same seed diverges again, so a rerun does not retry it. */
    DIVERGED,
    /** Its configuration cannot train (see {@link Failures}): it fails the same way again, so nothing retries it. */
    INVALID;

    public String id() { return name().toLowerCase(); }

    public static RunStatus parse(String s) {
        for (RunStatus v : values()) if (v.id().equals(s)) return v;
        throw new IllegalArgumentException("unknown run status '" + s + "', expected ok, failed, diverged or invalid");
    }
}
