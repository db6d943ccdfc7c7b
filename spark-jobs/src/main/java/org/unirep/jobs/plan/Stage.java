package org.unirep.jobs.plan;

/** Which stage of a sweep trains a point; {@link #id()} is the word the results tables store. */
public enum Stage {
    /** Stage 1: a shared encoder: one task like a fan-out point, or data-parallel by parameter averaging over several workers. */
    ENCODER,
    /** Stage 2: one model per Spark task (end-to-end points and universal decoders). */
    FANOUT;

    public String id() { return name().toLowerCase(); }
}
