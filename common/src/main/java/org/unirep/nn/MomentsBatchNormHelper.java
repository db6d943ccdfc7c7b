package org.unirep.nn;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's oneDNN batch-norm helper with the batch statistics of a training-mode forward pass taken
 * by libnd4j's {@code moments} op instead of a {@code Variance} op: on the decoder's [64,128,25,25]
 * activations the Variance op over (N,H,W) takes about 4x as long as {@code moments}, which gives
 * the same mean and (biased) variance, bit for bit. Normalisation, the backward pass (which reads
 * the statistics from the helper) and the running averages are DL4J's own.
 *
 * <p>{@link #install} puts it into a network's batch-norm layers (helpers are not saved with a
 * model, so every network that trains gets it: org.unirep.training.TrainingRun).
 */
public final class MomentsBatchNormHelper extends MKLDNNBatchNormHelper {
    private static final Field MEAN = field(MKLDNNBatchNormHelper.class, "meanCache");
    private static final Field VAR = field(MKLDNNBatchNormHelper.class, "varCache");
    private static final Field HELPER = field(BatchNormalization.class, "helper");

    private INDArray mean, var;

    public MomentsBatchNormHelper(DataType dataType) {
        super(dataType);
    }

    /** Replaces DL4J's oneDNN helper in each trainable batch-norm layer; returns how many it replaced. */
    public static int install(Model net) {
        Layer[] layers = net instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) net).getLayers();
        int n = 0;
        for (Layer l : layers) {
            if (!(l instanceof BatchNormalization bn)) continue; // frozen ones (FrozenLayer) never train
            try {
                Object helper = HELPER.get(bn);
                if (helper != null && helper.getClass() == MKLDNNBatchNormHelper.class) {
                    HELPER.set(bn, new MomentsBatchNormHelper(DataType.FLOAT)); // the type is unused (as in DL4J's)
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
        int[] dims = x.rank() == 2 ? new int[] {0} : nhwc ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
        Nd4j.exec(DynamicCustomOp.builder("moments").addInputs(x).addOutputs(mean, var).addIntegerArguments(dims).build());
        // Normalising with given statistics is what the training path does after computing them.
        return super.preOutput(x, false, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
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
