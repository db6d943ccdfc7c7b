package org.unirep.data;

import java.io.IOException;
import java.io.Serializable;

/**
 * Images a task reads where it runs: the description travels to the executor (it is small), and
 * {@link #images()} resolves it there, so no split passes through the driver.
 */
public interface ImageSource extends Serializable {
    /** How many images it holds, known without reading them. */
    int count();

    /** The images, read on first use or taken from this JVM's copy. */
    LabeledImages images() throws IOException;
}
