package org.unirep.nn;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How this package's layer configurations build their own layer class: DL4J's instantiation runs
 * first (validation, parameter views, initialisation), then the layer that replaces DL4J's takes
 * over the same state.
 */
final class LayerTakeover {
    private LayerTakeover() {}

    static <L extends org.deeplearning4j.nn.layers.BaseLayer<?>> L takeOver(Layer plain, L layer, NeuralNetConfiguration conf,
                                                                            Collection<TrainingListener> listeners, int layerIndex,
                                                                            INDArray paramsView) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(plain.paramTable());
        layer.setConf(conf);
        return layer;
    }
}
