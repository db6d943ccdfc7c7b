package org.unirep.nn;

import java.util.Arrays;
import java.util.Collection;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A convolution layer for a frozen network part that gradients only pass through (the RDP
 * generator's copy of the critic, inside DL4J's FrozenLayerWithBackprop): its backward pass computes
 * the input gradient alone, as a transposed convolution of the output gradient with the same weights,
 * and reuses the forward pass's pre-activation. DL4J's ConvolutionLayer ran its forward pass again
 * in backprop and computed weight gradients that the frozen wrapper then zeroes: together about as
 * much work as the generator's whole decoder backward pass. PyTorch skips both for a module whose
 * parameters do not require gradients, as the reference's generator step does.
 *
 * <pre>
 *   forward   z = conv(x, W, stride s, pad p) + b,  a = act(z)            (DL4J's own)
 *   backward  dz = act'(z) * da;  dx = deconv(dz, W, stride s, no pad)[p : p + H, p : p + W]
 * </pre>
 */
public class InputGradientConvolution extends ConvolutionLayer {

    /** For Jackson (saved configurations name this class). */
    public InputGradientConvolution() {}

    public InputGradientConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
        // The backward pass below handles what the critic uses; anything else fails here, when the network is built.
        if (getConvolutionMode() == ConvolutionMode.Same || getDilation()[0] != 1 || getDilation()[1] != 1
                || getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("layer " + getLayerName() + ": InputGradientConvolution supports NCHW, no dilation and explicit"
                    + " padding; got " + getConvolutionMode() + ", dilation " + Arrays.toString(getDilation()) + ", " + getCnn2dDataFormat());
        }
        org.deeplearning4j.nn.api.Layer plain = super.instantiate(conf, listeners, layerIndex, paramsView, initializeParams, dataType);
        return LayerTakeover.takeOver(plain, new Layer(conf, dataType), conf, listeners, layerIndex, paramsView);
    }

    /** The layer: remembers its last pre-activation for the backward pass that follows. */
    public static final class Layer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        private INDArray forwardPreOutput, forwardInput;

        Layer(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            // Kept in inference mode too: FrozenLayerWithBackprop runs its layer in inference mode,
            // also in the forward pass of the generator step that backprops through it.
            forget();
            assertInputSet(false);
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray z = preOutput(training, false, workspaceMgr).getFirst();
            forwardPreOutput = workspaceMgr.dup(ArrayType.ACTIVATIONS, z); // the activation works in place on z
            forwardInput = input;
            return layerConf().getActivationFn().getActivation(z, training);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            ConvolutionLayer c = layerConf();
            INDArray z = forwardInput == input && forwardPreOutput != null ? forwardPreOutput : preOutput(true, true, workspaceMgr).getFirst();
            forget();
            INDArray dz = c.getActivationFn().backprop(z, epsilon).getFirst();
            INDArray w = getParamWithNoise("W", true, workspaceMgr); // [oC, iC, kH, kW]: the transposed convolution's [iC', oC', kH, kW]
            int[] k = c.getKernelSize(), s = c.getStride(), p = c.getPadding();
            long n = input.size(0), inC = input.size(1), h = input.size(2), wd = input.size(3);
            if (inC < TransposedConvolution.GEMM_BELOW_CHANNELS) { // the first layer (1 input channel): col2im crops at the padding itself
                INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dz.dataType(), new long[] {n, inC, h, wd}, 'c');
                TransposedConvolution.byGemm(dz, w, k, s, p, dx, workspaceMgr);
                return new Pair<>(new DefaultGradient(), dx);
            }
            long fullH = (dz.size(2) - 1) * s[0] + k[0], fullW = (dz.size(3) - 1) * s[1] + k[1];
            INDArray full = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dz.dataType(), new long[] {n, inC, fullH, fullW}, 'c');
            Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dz, w).addOutputs(full)
                    .addIntegerArguments(k[0], k[1], s[0], s[1], 0, 0, 1, 1, 0, 0, 1).build()); // no pad, NCHW, weights [iC', oC', kH, kW]
            INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dz.dataType(), new long[] {n, inC, h, wd}, 'c');
            // Input pixel i sits at i + p of the padded input; rows past the full output got no gradient (zero).
            long rows = Math.min(h, fullH - p[0]), cols = Math.min(wd, fullW - p[1]);
            dx.get(all(), all(), NDArrayIndex.interval(0, rows), NDArrayIndex.interval(0, cols))
                    .assign(full.get(all(), all(), NDArrayIndex.interval(p[0], p[0] + rows), NDArrayIndex.interval(p[1], p[1] + cols)));
            return new Pair<>(new DefaultGradient(), dx); // no weight gradients: the layer is frozen
        }

        @Override
        public void clear() {
            super.clear();
            forget();
        }

        private void forget() {
            forwardPreOutput = null;
            forwardInput = null;
        }

        private static INDArrayIndex all() {
            return NDArrayIndex.all();
        }
    }
}
