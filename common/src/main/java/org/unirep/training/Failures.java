package org.unirep.training;

import org.deeplearning4j.exception.DL4JInvalidConfigException;
import org.deeplearning4j.exception.DL4JInvalidInputException;

/**
 * How a run that threw ended: {@link RunStatus#INVALID} when the same configuration would fail the
 * same way again (a model that cannot be built from it, data its layers do not accept, an argument
 * out of range), so that no retry spends a slot on it; {@link RunStatus#FAILED} for everything
 * else (an I/O error, a lost or full node, out of memory, a bug), which a retry may get past.
 */
public final class Failures {
    private Failures() {}

    public static RunStatus status(Throwable t) {
        return t instanceof IllegalArgumentException || t instanceof DL4JInvalidConfigException || t instanceof DL4JInvalidInputException
                ? RunStatus.INVALID : RunStatus.FAILED;
    }
}
