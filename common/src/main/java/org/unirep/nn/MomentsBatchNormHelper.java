package org.unirep.nn;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DL4J's oneDNN batch-norm helper with the batch statistics of a training-mode forward pass taken
 * faster than by its {@code Variance} op: on the decoder's [64,128,25,25] activations that op over
 * (N,H,W) takes about 4x as long as libnd4j's {@code moments} (9 ms), which takes about 1.6x as long
 * as the same two passes (mean, then mean squared deviation) summed by {@link ChannelSums}; dense
 * layers' statistics still come from {@code moments}. Normalisation and the running averages are
 * DL4J's own; the backward pass is written out below (oneDNN's is slow on large activations).
 *
 * <p>Running statistics as PyTorch keeps them (the reference's BatchNorm, momentum 0.1): updated on
 * every training-mode forward pass, a critic step's reconstruction included, with the unbiased batch
 * variance in the running variance (normalisation uses the biased one):
 * <pre>
 *   running_mean = 0.9 running_mean + 0.1 mean,   running_var = 0.9 running_var + 0.1 var * m / (m - 1)
 * </pre>
 * DL4J's own update runs in the backward pass only (so a forward without backprop never moves the
 * statistics) and takes the biased variance: here it is neutralised, its batch statistics being the
 * running ones ({@link #getMeanCache}). This needs the variance stored as such
 * ({@code useLogStd(false)}, as CompressionModel builds its layers); a layer that stores log10(std)
 * (models saved before) keeps DL4J's update.
 *
 * <p>{@link #install} puts it into a network's batch-norm layers (helpers are not saved with a
 * model, so every network that trains gets it: org.unirep.training.TrainingRun). On the CUDA build
 * DL4J has no batch-norm helper (no cuDNN module): it is installed there too, as the running
 * statistics are the reference's, not a CPU speed-up (not run on a GPU here: none this build supports).
 */
public final class MomentsBatchNormHelper extends MKLDNNBatchNormHelper {
    private static final Field MEAN = field(MKLDNNBatchNormHelper.class, "meanCache");
    private static final Field VAR = field(MKLDNNBatchNormHelper.class, "varCache");
    private static final Field HELPER = field(BatchNormalization.class, "helper");

    private final boolean torchRunningStats;
    private INDArray mean, var;
    // The running statistics this helper last updated: DL4J's backward pass reads them as the batch's.
    private INDArray runningMean, runningVar;

    public MomentsBatchNormHelper(DataType dataType) {
        this(dataType, false);
    }

    /** {@code torchRunningStats}: keep the running statistics as PyTorch does (the layer stores its variance as such). */
    public MomentsBatchNormHelper(DataType dataType, boolean torchRunningStats) {
        super(dataType);
        this.torchRunningStats = torchRunningStats;
    }

    /**
     * Replaces DL4J's oneDNN helper, or its helper-less path, in each trainable batch-norm layer;
     * returns how many it replaced. Every op it runs is a plain ND4J op (moments, broadcasts,
     * reductions, the batchnorm op), so it runs on either backend.
     */
    public static int install(Model net) {
        Layer[] layers = net instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) net).getLayers();
        int n = 0;
        for (Layer l : layers) {
            if (!(l instanceof BatchNormalization bn)) continue; // frozen ones (FrozenLayer) never train
            try {
                Object helper = HELPER.get(bn);
                // No helper: DL4J's own path, as on the CUDA build (no cuDNN module): it too gets PyTorch's running statistics.
                if (helper == null || helper.getClass() == MKLDNNBatchNormHelper.class) {
                    boolean torchStats = !((org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer()).isUseLogStd();
                    HELPER.set(bn, new MomentsBatchNormHelper(DataType.FLOAT, torchStats)); // the type is unused (as in DL4J's)
                    n++;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray globalMean,
                              INDArray globalVar, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!training || x.dataType() != DataType.FLOAT) {
            return super.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format, workspaceMgr);
        }
        boolean nhwc = x.rank() == 4 && format == CNN2DFormat.NHWC;
        long channels = x.size(nhwc ? 3 : 1);
        if (mean == null || mean.length() != channels) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(x.dataType(), channels);
                var = Nd4j.createUninitialized(x.dataType(), channels);
            }
            try { // the backward pass and the running averages read these fields
                MEAN.set(this, mean);
                VAR.set(this, var);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        if (x.rank() == 4 && !nhwc && x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x)) {
            // Two passes, as moments does: mean, then the mean of squared deviations, each summed by ChannelSums.
            double m = (double) x.length() / channels;
            mean.assign(ChannelSums.of(x).divi(m));
            INDArray d = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), x.shape(), 'c');
            Nd4j.exec(new BroadcastSubOp(x, mean, d, 1));
            Nd4j.exec(new MulOp(d, d, d));
            var.assign(ChannelSums.of(d).divi(m));
        } else {
            int[] dims = x.rank() == 2 ? new int[] {0} : nhwc ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
            Nd4j.exec(DynamicCustomOp.builder("moments").addInputs(x).addOutputs(mean, var).addIntegerArguments(dims).build());
        }
        if (torchRunningStats) updateRunningStatistics(globalMean, globalVar, decay, (double) x.length() / channels);
        // Normalising with given statistics is what the training path does after computing them.
        return super.preOutput(x, false, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
    }

    /** PyTorch's update with momentum 1 - decay; m values per channel (a batch of one keeps the biased variance, where PyTorch refuses it). */
    private void updateRunningStatistics(INDArray globalMean, INDArray globalVar, double decay, double m) {
        INDArray gm = globalMean.reshape(mean.shape()).mul(decay).addi(mean.mul(1 - decay));
        INDArray gv = globalVar.reshape(var.shape()).mul(decay).addi(var.mul((1 - decay) * (m > 1 ? m / (m - 1) : 1)));
        globalMean.assign(gm.reshape(globalMean.shape()));
        globalVar.assign(gv.reshape(globalVar.shape()));
        runningMean = globalMean;
        runningVar = globalVar;
    }

    /** What DL4J's backward pass takes as the batch mean: the running mean itself, so its own update moves nothing. */
    @Override
    public INDArray getMeanCache(DataType dataType) {
        return torchRunningStats && runningMean != null ? runningMean : super.getMeanCache(dataType);
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return torchRunningStats && runningVar != null ? runningVar : super.getVarCache(dataType);
    }

    /**
     * The backward pass of training-mode batch norm, as a few reductions and broadcasts over
     * workspace arrays: oneDNN's batchnorm_bp took 4x PyTorch's time on the decoder's [64,128,25,25]
     * activations (42 ms against 9 ms on one core), a seventh of a generator step. With m = N*H*W
     * values per channel, x^ = (x - mean) / sqrt(var + eps):
     * <pre>
     *   dBeta = sum dy,   dGamma = sum dy * x^,   dx = gamma / sqrt(var + eps) * (dy - dBeta / m - x^ * dGamma / m)
     * </pre>
     * The same formula as oneDNN's, summed in another order (MomentsBatchNormHelperTest compares them).
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray x, INDArray dy, long[] shape, INDArray gamma, INDArray beta,
                                                     INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        boolean supported = x.dataType() == DataType.FLOAT && dy.dataType() == DataType.FLOAT && gamma != null && mean != null
                && (x.rank() == 2 || (x.rank() == 4 && format == CNN2DFormat.NCHW)) && x.size(1) == mean.length()
                && dGammaView != null && dBetaView != null;
        if (!supported) {
            return super.backpropGradient(x, dy, shape, gamma, beta, dGammaView, dBetaView, eps, format, workspaceMgr);
        }
        // Dense layers hand over 'f'-ordered activations (small): the broadcasts below want 'c' order.
        if (!Shape.hasDefaultStridesForShape(x)) x = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, x, 'c');
        if (!Shape.hasDefaultStridesForShape(dy)) dy = workspaceMgr.dup(ArrayType.BP_WORKING_MEM, dy, 'c');
        double m = (double) x.length() / x.size(1);
        INDArray invStd = Transforms.pow(var.add(eps), -0.5, false);
        INDArray xhat = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
        Nd4j.exec(new BroadcastSubOp(x, mean, xhat, 1));
        Nd4j.exec(new BroadcastMulOp(xhat, invStd, xhat, 1));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        INDArray dBeta = ChannelSums.of(dy);
        Nd4j.exec(new MulOp(dy, xhat, dx));
        INDArray dGamma = ChannelSums.of(dx);
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        Nd4j.exec(new BroadcastMulOp(xhat, dGamma.divi(m), xhat, 1));
        Nd4j.exec(new BroadcastSubOp(dy, dBeta.divi(m), dx, 1));
        dx.subi(xhat);
        Nd4j.exec(new BroadcastMulOp(dx, invStd.muli(gamma.reshape(invStd.shape())), dx, 1));
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, dx);
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(owner.getName() + " has no field " + name + ": MomentsBatchNormHelper was written for DL4J 1.0.0-M2.1", e);
        }
    }
}
