package org.unirep.compression;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unirep.data.DatasetName;
import org.unirep.nn.BranchFreeLeakyReLU;
import org.unirep.nn.CachingDeconvolution2D;
import org.unirep.nn.CpuLayers;
import org.unirep.nn.InputGradientConvolution;
import org.unirep.nn.OneDnn;
import org.unirep.nn.TorchAdam;
import org.unirep.nn.TorchInit;

/**
 * The compression model of Nguyen (2025), "Universal Representations for Classification-enhanced
 * Lossy Compression" (arXiv 2504.13191), on the MNIST setup of Zhang et al. (NeurIPS 2021):
 * <pre>
 *   x [784] -> enc: 4 x (fc + BN + LeakyReLU) 512,256,128,128 -> fc(dim) + BN + tanh = y
 *   u [dim] (input: the shared dither) -> quantizer: z = Q(y + u), out z - u   (R = dim * log2 L bits)
 *           -> dec: fc 128, fc 512 (+BN+LReLU) -> [32,4,4] -> deconv5/2 64 -> deconv5/2 128 -> deconv4/1 1 + sigmoid = x^
 *   RDC:  x^ -> frozen classifier c -> CE(S, c(x^))          loss = MSE(x, x^) + lambda_c * CE
 *   RDP:  x^ -> frozen copy of the critic D (CriticGraph)     loss = MSE(x, x^) - lambda_p * mean D(x^)
 * </pre>
 * MSE is the per-pixel mean (DL4J's LossMSE on [n,784]) and CE the per-sample mean in nats, so
 * lambda means what it means in the reference. Inputs: "x" (pixels in [0,1]) and "u" (the dither,
 * U[-alpha/2, alpha/2), drawn by the caller per step: see org.unirep.training.Seeds). Outputs: "recon" (x^ flattened) and, for RDC,
 * "clf" (class probabilities). A universal model's encoder is frozen as the reference freezes it
 * (uRDP train_reduced: requires_grad off, module left in training mode): its weights never change
 * (a zero-rate updater, {@link #FROZEN}), but its BatchNorm layers normalise with batch statistics
 * and keep updating their running statistics, as every BatchNorm here does (PyTorch's rule:
 * org.unirep.nn.MomentsBatchNormHelper).
 */
public final class CompressionModel {
    public static final String INPUT = "x";
    public static final String DITHER = "u";
    public static final String QUANTIZER = "quantizer";
    public static final String RECON = "recon";
    public static final String CLASSIFIER_OUT = "clf";
    public static final String CRITIC_OUT = "critic";
    /** The decoder's last layer: x^ as [n,1,28,28] (sigmoid), input of the frozen critic or classifier. */
    static final String DECODER_OUT = "dec5";
    static final int[] CRITIC_WIDTHS = {64, 128, 256};
    static final int[] ENCODER_WIDTHS = {512, 256, 128, 128};
    /** Trainable layers with parameters, by part. */
    public static final List<String> ENCODER_LAYERS = List.of("enc1", "enc1_bn", "enc2", "enc2_bn", "enc3", "enc3_bn",
            "enc4", "enc4_bn", "latent", "latent_bn");
    public static final List<String> DECODER_LAYERS = List.of("dec1", "dec1_bn", "dec2", "dec2_bn", "dec3", "dec3_bn",
            "dec4", "dec4_bn", "dec5");
    /** Frozen classifier layers and the index of the matching layer in the classifier network. */
    public static final Map<String, Integer> CLASSIFIER_LAYERS = Map.of("clf_conv1", 0, "clf_conv2", 2, "clf_fc1", 4, "clf_fc2", 5);

    /**
     * The updater of a universal model's encoder: a step of rate 0, so its parameters never move while
     * its layers still run in training mode. (DL4J's NoOp would apply the raw gradient.)
     */
    static final Sgd FROZEN = new Sgd(0.0);

    private CompressionModel() {}

    public static ComputationGraphConfiguration configuration(CompressionConfig c, boolean frozenEncoder) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                // The training loop sets the epoch's rate (org.unirep.training.Schedule) on all three optimisers.
                .updater(new TorchAdam(c.learningRate(), c.beta1(), c.beta2(), 1e-8))
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs(INPUT, DITHER)
                .setInputTypes(InputType.feedForward(DatasetName.PIXELS), InputType.feedForward(c.dim()));

        String prev = INPUT;
        for (int i = 0; i < ENCODER_WIDTHS.length; i++) {
            prev = block(g, "enc" + (i + 1), new DenseLayer.Builder().nOut(ENCODER_WIDTHS[i]).activation(Activation.IDENTITY).build(),
                    leakyRelu(), prev, frozenEncoder);
        }
        prev = block(g, "latent", new DenseLayer.Builder().nOut(c.dim()).activation(Activation.IDENTITY).build(),
                Activation.TANH.getActivationFunction(), prev, frozenEncoder);
        // z - u with z = Q(y + u): the dither is an explicit input, the quantiser a pure function.
        g.addVertex("dithered", new ElementWiseVertex(ElementWiseVertex.Op.Add), prev, DITHER);
        g.addLayer(QUANTIZER, new ActivationLayer.Builder().activation(new SoftToHardQuantizer(c.levels(), c.sigma())).build(), "dithered");
        g.addVertex("received", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), QUANTIZER, DITHER);

        prev = block(g, "dec1", new DenseLayer.Builder().nOut(128).activation(Activation.IDENTITY).build(), leakyRelu(), "received", false);
        prev = block(g, "dec2", new DenseLayer.Builder().nOut(512).activation(Activation.IDENTITY).build(), leakyRelu(), prev, false);
        g.inputPreProcessor("dec3", new FeedForwardToCnnPreProcessor(4, 4, 32));
        prev = block(g, "dec3", deconv(64, 5, 2), leakyRelu(), prev, false);
        prev = block(g, "dec4", deconv(128, 5, 2), leakyRelu(), prev, false);
        g.addLayer(DECODER_OUT, deconv(new Deconvolution2D.Builder().kernelSize(4, 4).stride(1, 1).nOut(1).activation(Activation.SIGMOID)),
                prev);
        g.inputPreProcessor(RECON, new CnnToFeedForwardPreProcessor(DatasetName.ROWS, DatasetName.COLS, 1));
        g.addLayer(RECON, new LossLayer.Builder().lossFunction(new LossMSE()).activation(Activation.IDENTITY).build(), DECODER_OUT);

        if (c.mode() == Mode.RDP) {
            // A frozen copy of the critic on x^ (weights copied in by loadCritic after every critic step).
            String in = DECODER_OUT;
            for (int i = 0; i < CRITIC_WIDTHS.length; i++) {
                ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(5, 5).stride(2, 2).padding(2, 2).nOut(CRITIC_WIDTHS[i])
                        .activation(leakyRelu());
                g.addLayer("crit_conv" + (i + 1), frozen(CpuLayers.active() ? new InputGradientConvolution(conv) : conv.build()), in);
                in = "crit_conv" + (i + 1);
            }
            g.addLayer("crit_fc", frozen(new DenseLayer.Builder().nOut(1).activation(Activation.IDENTITY).build()), in);
            g.addLayer(CRITIC_OUT, new LossLayer.Builder().lossFunction(new ScaledLoss(new NegativeMeanLoss(), c.lambda()))
                    .activation(Activation.IDENTITY).build(), "crit_fc");
            g.setOutputs(RECON, CRITIC_OUT);
            return g.build();
        }

        // The frozen classifier on x^ (its weights are copied in by loadClassifier).
        g.addLayer("clf_conv1", frozen(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(10).activation(Activation.RELU).build()), DECODER_OUT);
        g.addLayer("clf_pool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "clf_conv1");
        g.addLayer("clf_conv2", frozen(new ConvolutionLayer.Builder(5, 5).nIn(10).nOut(10).activation(Activation.RELU).build()), "clf_pool1");
        g.addLayer("clf_pool2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "clf_conv2");
        g.addLayer("clf_fc1", frozen(new DenseLayer.Builder().nIn(160).nOut(100).activation(Activation.RELU).build()), "clf_pool2");
        g.addLayer("clf_fc2", frozen(new DenseLayer.Builder().nIn(100).nOut(DatasetName.CLASSES).activation(Activation.IDENTITY).build()), "clf_fc1");
        g.addLayer(CLASSIFIER_OUT, new LossLayer.Builder().lossFunction(new ScaledLoss(new LossMCXENT(), c.lambda()))
                .activation(Activation.SOFTMAX).build(), "clf_fc2");
        g.setOutputs(RECON, CLASSIFIER_OUT);
        return g.build();
    }

    /** A new model; RDC needs the frozen classifier's weights (RDP takes the critic's with loadCritic). */
    public static ComputationGraph create(CompressionConfig c, MultiLayerNetwork classifier, boolean frozenEncoder) {
        if (c.mode() == Mode.RDC && classifier == null) {
            throw new IllegalArgumentException("mode rdc needs the frozen classifier: train one with `unirep train-classifier` and pass its model");
        }
        OneDnn.enable();
        ComputationGraph net = new ComputationGraph(configuration(c, frozenEncoder));
        net.init();
        TorchInit.apply(net, c.seed());
        if (c.mode() == Mode.RDC) loadClassifier(net, classifier);
        return net;
    }

    /** Copies the SameDiff critic's weights into an RDP graph's frozen copy ([kH,kW,iC,oC] -> [oC,iC,kH,kW]). */
    public static void loadCritic(ComputationGraph net, CriticGraph critic) {
        if (!net.getConfiguration().getNetworkOutputs().contains(CRITIC_OUT)) return; // RDC: no copy in the graph
        SameDiff sd = critic.sameDiff();
        for (int i = 1; i <= CRITIC_WIDTHS.length; i++) {
            Map<String, INDArray> p = net.getLayer("crit_conv" + i).paramTable();
            p.get("W").assign(sd.getVariable("conv" + i + "_w").getArr().permute(3, 2, 0, 1));
            p.get("b").assign(sd.getVariable("conv" + i + "_b").getArr().reshape(p.get("b").shape()));
        }
        Map<String, INDArray> fc = net.getLayer("crit_fc").paramTable();
        fc.get("W").assign(sd.getVariable("fc_w").getArr());
        fc.get("b").assign(sd.getVariable("fc_b").getArr().reshape(fc.get("b").shape()));
    }

    public static void loadClassifier(ComputationGraph net, MultiLayerNetwork classifier) {
        CLASSIFIER_LAYERS.forEach((name, index) -> copy(classifier.getLayer(index), net.getLayer(name)));
    }

    /**
     * Copies the encoder (weights and BatchNorm statistics) of a trained model into {@code to}, by
     * parameter name; a BatchNorm running variance stored as log10(std) (models saved before the
     * statistics followed PyTorch's rule) is converted.
     */
    public static void copyEncoder(ComputationGraph from, ComputationGraph to) {
        for (String name : ENCODER_LAYERS) {
            Map<String, INDArray> src = from.getLayer(name).paramTable(), dst = to.getLayer(name).paramTable();
            for (Map.Entry<String, INDArray> e : dst.entrySet()) {
                INDArray v = src.get(e.getKey());
                if (v == null && e.getKey().equals(BatchNormalizationParamInitializer.GLOBAL_VAR)
                        && src.containsKey(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
                    v = Transforms.pow(Nd4j.valueArrayOf(src.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).shape(), 10.0,
                            e.getValue().dataType()), src.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).mul(2), false);
                }
                if (v == null || v.length() != e.getValue().length()) {
                    throw new IllegalArgumentException("cannot copy the encoder: layer " + name + " has no parameter " + e.getKey()
                            + " of " + e.getValue().length() + " values in the base model (" + src.keySet() + ")");
                }
                e.getValue().assign(v.reshape(e.getValue().shape()));
            }
        }
    }

    /**
     * Whether {@code net} is a universal model: its encoder frozen ({@link #FROZEN}, or DL4J's
     * FrozenLayer in models saved before the reference's training-mode encoder).
     */
    public static boolean isUniversal(ComputationGraph net) {
        org.deeplearning4j.nn.conf.layers.Layer l = net.getLayer(ENCODER_LAYERS.get(0)).conf().getLayer();
        return l instanceof FrozenLayer || (l instanceof BaseLayer b && b.getIUpdater() instanceof Sgd sgd && sgd.getLearningRate() == 0);
    }

    /**
     * x^ as images [n,1,28,28], running the graph only up to the decoder's last layer (no frozen
     * critic or classifier on top). {@code train}: BatchNorm on batch statistics (the critic step's
     * reconstruction, as the reference computes it) or on running statistics (evaluation).
     * DL4J's output-of-layers pass runs just the vertices x^ needs, with its activations in DL4J's
     * reused workspaces (feedForward(.., layerTillIndex, ..) reads the index as a layer index and ran
     * on into the critic's convolutions, and returned every activation in fresh memory).
     */
    public static INDArray reconstruct(ComputationGraph net, INDArray x, INDArray u, boolean train) {
        return net.output(List.of(DECODER_OUT), train, new INDArray[] {x, u}, null)[0];
    }

    public static SoftToHardQuantizer quantizer(ComputationGraph net) {
        org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(QUANTIZER).conf().getLayer();
        return (SoftToHardQuantizer) ((ActivationLayer) conf).getActivationFn();
    }

    /**
     * Sets the weight of the generator's second term (lambda_c on CE, lambda_p on -mean D(x^)):
     * the training loop changes it per epoch for the lambda = 0 anneal.
     */
    public static void setLambda(ComputationGraph net, double lambda) {
        ScaledLoss loss = secondTerm(net);
        loss.setWeight(lambda);
    }

    /**
     * Sets Adam's learning rate of every trainable layer in place. DL4J's own setLearningRate
     * rebuilds the updater state (and fails on a graph with frozen layers once trained); Adam reads
     * its config on every step, so changing the config is enough and keeps the moments.
     */
    public static void setLearningRate(ComputationGraph net, double lr) {
        for (Layer l : net.getLayers()) {
            if (l.conf().getLayer() instanceof BaseLayer b && b.getIUpdater() instanceof Adam a) {
                a.setLearningRate(lr);
            }
        }
    }

    public static double lambda(ComputationGraph net) { return secondTerm(net).getWeight(); }

    /** The parts of the loss that the last fit of {@code net} computed (before its update). */
    public static LossParts lastLoss(ComputationGraph net) {
        // DL4J adds the whole graph's regularisation score to its first output's (0 here: no l1, l2 or weight decay).
        return new LossParts(net.getLayer(RECON).score() - net.calcRegularizationScore(true), secondTerm(net).lastInnerMean(), net.score());
    }

    private static ScaledLoss secondTerm(ComputationGraph net) {
        String out = net.getConfiguration().getNetworkOutputs().contains(CRITIC_OUT) ? CRITIC_OUT : CLASSIFIER_OUT;
        return (ScaledLoss) ((LossLayer) net.getLayer(out).conf().getLayer()).getLossFn();
    }

    /** The latent size (the dither input's width). */
    public static int dim(ComputationGraph net) {
        org.deeplearning4j.nn.conf.layers.Layer l = net.getLayer("latent").conf().getLayer();
        return (int) ((DenseLayer) (l instanceof FrozenLayer f ? f.getLayer() : l)).getNOut();
    }

    private static void copy(Layer from, Layer to) {
        if (from.numParams() != to.numParams()) {
            throw new IllegalArgumentException("cannot copy " + from.numParams() + " parameters into layer " + to.getConfig().getLayerName()
                    + " of " + to.numParams());
        }
        to.setParams(from.params().dup());
    }

    private static String block(ComputationGraphConfiguration.GraphBuilder g, String name,
                                org.deeplearning4j.nn.conf.layers.Layer layer, IActivation act, String input, boolean frozen) {
        // A frozen (universal) encoder stays in training mode, as the reference's: DL4J's FrozenLayer
        // wrappers would run it in inference mode, so its layers get a zero-rate updater instead.
        // The running variance is stored as such (not log10(std)) to follow PyTorch's update.
        BatchNormalization bn = new BatchNormalization.Builder().useLogStd(false).build();
        if (frozen) {
            ((BaseLayer) layer).setIUpdater(FROZEN);
            bn.setIUpdater(FROZEN);
        }
        ActivationLayer a = new ActivationLayer.Builder().activation(act).build();
        g.addLayer(name, layer, input);
        g.addLayer(name + "_bn", bn, name);
        g.addLayer(name + "_act", a, name + "_bn");
        return name + "_act";
    }

    /** The reference's LeakyReLU (PyTorch's default slope 0.01), computed without a branch per value. */
    private static IActivation leakyRelu() {
        return new BranchFreeLeakyReLU(0.01);
    }

    private static Deconvolution2D deconv(int nOut, int k, int s) {
        return deconv(new Deconvolution2D.Builder().kernelSize(k, k).stride(s, s).nOut(nOut).activation(Activation.IDENTITY));
    }

    /** Ours on the CPU, DL4J's (cuDNN) on CUDA: {@link CpuLayers}. */
    private static Deconvolution2D deconv(Deconvolution2D.Builder b) {
        return CpuLayers.active() ? new CachingDeconvolution2D(b) : b.build();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer frozen(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return new FrozenLayerWithBackprop(layer);
    }
}
