package org.unirep.jobs.sweep;

/** A sweep config that cannot run; the message names the file, key, value and what was expected. */
public class SweepConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SweepConfigException(String message) {
        super(message);
    }
}
