package org.unirep.data;

import java.io.IOException;
import java.io.InputStream;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/** Loads an exported compact minibatch (see {@link Minibatches#compact}) in training form. */
public class CompactDataSetLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    @Override
    public DataSet load(Source source) throws IOException {
        DataSet ds = new DataSet();
        try (InputStream in = source.getInputStream()) {
            ds.load(in);
        } catch (RuntimeException e) {
            throw new IOException(source.getPath() + ": not a readable exported minibatch: " + e.getMessage(), e);
        }
        return Minibatches.widen(ds);
    }
}
