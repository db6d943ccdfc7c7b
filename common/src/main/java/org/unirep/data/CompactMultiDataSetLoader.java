package org.unirep.data;

import java.io.IOException;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An exported compact minibatch in the compression models' form: input x, outputs (x, y) where
 * y is the one-hot label (RDC's classifier head) or, with {@code classLabels = false}, an unused
 * [n,1] zero target (RDP's critic head).
 */
public class CompactMultiDataSetLoader implements MultiDataSetLoader {
    private static final long serialVersionUID = 1L;

    private final boolean classLabels;

    public CompactMultiDataSetLoader(boolean classLabels) {
        this.classLabels = classLabels;
    }

    @Override
    public MultiDataSet load(Source source) throws IOException {
        DataSet ds = new CompactDataSetLoader().load(source);
        INDArray x = ds.getFeatures();
        INDArray second = classLabels ? ds.getLabels() : Nd4j.zeros(x.dataType(), x.size(0), 1);
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, new INDArray[] {x, second});
    }
}
