package org.unirep.nn;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link Deconvolution2D} whose backward pass reuses the forward pass's output instead of
 * running the transposed convolution again: DL4J 1.0.0-M2.1's layer recomputes its pre-activation
 * in every backprop (only to take the activation's derivative there), which cost a fifth of a
 * generator step (the decoder's 64->128 transposed convolution is most of the model's FLOPs).
 * The same weights, parameters and numbers: only the repeated work is gone.
 */
public class CachingDeconvolution2D extends Deconvolution2D {

    /** For Jackson (saved configurations name this class). */
    public CachingDeconvolution2D() {}

    public CachingDeconvolution2D(Deconvolution2D.Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
        org.deeplearning4j.nn.api.Layer plain = super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, dataType);
        return LayerTakeover.takeOver(plain, new Layer(conf, dataType), conf, listeners, layerIndex, paramsView);
    }

    /** The layer: remembers the output of its last training-mode forward pass for the backward pass that follows. */
    public static final class Layer extends Deconvolution2DLayer {
        private INDArray forwardOutput, forwardInput; // the last training-mode pre-activation and its input
        private long reuses;

        Layer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!training) {
                forget();
                return super.activate(false, workspaceMgr);
            }
            // Deconvolution2DLayer.activate, keeping the pre-activation: the activation works in place,
            // so any but the identity gets a copy (x^ of dec5 is [n,1,28,28]: small).
            assertInputSet(false);
            applyDropOutIfNecessary(true, workspaceMgr);
            INDArray z = super.preOutput(true, false, workspaceMgr).getFirst();
            IActivation afn = layerConf().getActivationFn();
            forwardOutput = afn instanceof ActivationIdentity ? z : workspaceMgr.dup(ArrayType.ACTIVATIONS, z);
            forwardInput = input;
            return afn.getActivation(z, true);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            // Only the backward pass of the very forward pass that produced it (same input array) reuses the output.
            if (forBackprop && forwardOutput != null && forwardInput == input) {
                INDArray z = forwardOutput;
                forget();
                reuses++;
                return new Pair<>(z, null);
            }
            return super.preOutput(training, forBackprop, workspaceMgr);
        }

        /** Backward passes that reused the forward output so far. */
        public long reuses() { return reuses; }

        @Override
        public void clear() {
            super.clear();
            forget();
        }

        private void forget() {
            forwardOutput = null;
            forwardInput = null;
        }
    }
}
