package org.unirep.data;

import java.io.IOException;

/** An IDX file that is not what it should be; the message names the file and what was expected. */
public class IdxFormatException extends IOException {
    public IdxFormatException(String file, String problem) {
        super(file + ": " + problem);
    }
}
