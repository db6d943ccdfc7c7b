package org.unirep.compression;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.TrainingSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.unirep.io.HadoopFiles;
import org.unirep.nn.TorchAdam;

/**
 * The WGAN-GP critic of the RDP objective (REFERENCE.md) as a SameDiff graph:
 * <pre>
 *   x [n,1,28,28] -conv5/2 p2 + LReLU-> [64,14,14] -> [128,7,7] -> [256,4,4] -flatten-> 4096 -linear-> D(x)
 *   loss = mean D(x^) - mean D(x) + gpWeight * mean((|grad_x~ D(x~)| - 1)^2),  x~ = eps x + (1 - eps) x^
 * </pre>
 * DL4J has no double back-propagation, so grad_x~ D is written out as ops: dD/dh = the linear
 * weights; through each LeakyReLU multiply by its slope (0.01 + 0.99 [a > 0]); through each
 * convolution a full transposed convolution with the same weights, cropped to [p, p + H). SameDiff
 * then differentiates the penalty like any other op graph (checked against finite differences in
 * CriticGraphTest). The slopes' derivative is zero, yet SameDiff would run a (zero) backward pass
 * through the convolutions on x~ that produce them, a third of the step's cost: so they are graph
 * inputs ("slope1".."slopeK"), computed by a forward pass first ({@link #feed}).
 *
 * <p>The critic fits on its own ({@link #fitStep}); the RDP generator graph holds a frozen copy
 * (CompressionModel.loadCritic) refreshed after every critic step.
 */
public final class CriticGraph {
    public static final String REAL = "x", FAKE = "xhat", EPS = "eps";
    public static final String D_REAL = "d_real", D_FAKE = "d_fake", GP = "gp", LOSS = "critic_loss", W1 = "w1";
    /** Graph inputs: the LeakyReLU slopes at x~ of each convolution; and the outputs that compute them. */
    static final String SLOPE = "slope", SLOPE_AT_MIXED = "slope_at_mixed";
    private static final int K = 5, S = 2, P = 2;
    static final double REFERENCE_GP_WEIGHT = 10.0;

    private static final String GRAD_FN = "grad"; // SameDiff's name for a graph's gradient function

    private final SameDiff sd;
    private final int[] sizes; // spatial size before each conv: 28, 14, 7, then 4
    // The training session fitStep reuses, with the gradient function and config it was built for.
    private TrainingSession session;
    private SameDiff sessionGraph;
    private TrainingConfig sessionConfig;

    /** ND4J's own name for the switch of SameDiff's array cache ({@code ArrayCacheMemoryMgr}). */
    static final String ARRAY_CACHE = "org.nd4j.autodiff.samediff";

    static {
        QuietSameDiff.install();
        // SameDiff keeps released arrays for reuse, up to a quarter of JavaCPP's maxbytes per session (1.5 GB with the
        // cluster defaults): about 200 MB a training point, for no speed measured (docs/performance.md, "Executor
        // memory"). Off unless the JVM sets it (-Dorg.nd4j.autodiff.samediff=true turns it back on).
        if (System.getProperty(ARRAY_CACHE) == null) System.setProperty(ARRAY_CACHE, "false");
    }

    /**
     * SameDiff M2.1 prints "Added differentiated op NAME" to System.out, unconditionally, for every
     * op when it builds a graph's gradient (1,320 lines in a quickstart run). System.out gets a
     * filter that drops exactly those lines; everything else passes through.
     */
    static final class QuietSameDiff extends PrintStream {
        static final String NOISE = "Added differentiated op ";

        QuietSameDiff(PrintStream out) {
            super(out, true);
        }

        static synchronized void install() {
            if (!(System.out instanceof QuietSameDiff)) System.setOut(new QuietSameDiff(System.out));
        }

        @Override
        public void println(String line) {
            if (line == null || !line.startsWith(NOISE)) super.println(line);
        }
    }

    private CriticGraph(SameDiff sd, int[] sizes) {
        this.sd = sd;
        this.sizes = sizes;
    }

    public SameDiff sameDiff() { return sd; }

    /** An independent copy (weights included), e.g. to start a universal model's critic from the base model's. */
    public CriticGraph copy() {
        return new CriticGraph(sd.dup(), sizes.clone());
    }

    /**
     * A critic with this one's weights and a fresh optimiser (no Adam moments, step count 0): a
     * universal decoder's critic, as the reference starts it (the base critic's state_dict loaded
     * into a new module, a new torch.optim.Adam).
     */
    public CriticGraph weightsOnly() {
        CriticGraph fresh = create(widths(), sizes[0], REFERENCE_GP_WEIGHT, 0, sd.getVariable("conv1_w").dataType());
        fresh.average(List.of(new State(state().weights(), null, -1))); // the mean of one: these weights
        return fresh;
    }

    /** The output channels of each convolution, from its weights ([kH, kW, iC, oC]). */
    private int[] widths() {
        int[] widths = new int[sizes.length - 1];
        for (int i = 0; i < widths.length; i++) widths[i] = (int) sd.getVariable("conv" + (i + 1) + "_w").getShape()[3];
        return widths;
    }

    /** Saves the graph and weights (SameDiff's format) to any Hadoop path. */
    public void save(HadoopFiles files, String path) throws IOException {
        File tmp = File.createTempFile("critic", ".sd");
        try {
            sd.save(tmp, true);
            files.writeAtomically(path, Files.readAllBytes(tmp.toPath()));
        } finally {
            tmp.delete();
        }
    }

    /** Loads a critic written by {@link #save}. */
    public static CriticGraph load(HadoopFiles files, String path) throws IOException {
        File tmp = File.createTempFile("critic", ".sd");
        try (InputStream in = files.open(path)) {
            Files.copy(in, tmp.toPath(), StandardCopyOption.REPLACE_EXISTING);
            return checked(SameDiff.load(tmp, true), path);
        } finally {
            tmp.delete();
        }
    }

    /** The graph, weights and updater state as bytes (to ship to a Spark task and back). */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sd.save(out, true);
        return out.toByteArray();
    }

    public static CriticGraph fromBytes(byte[] bytes) {
        return checked(SameDiff.load(new ByteArrayInputStream(bytes), true), "a critic sent to this task");
    }

    /**
     * A critic as loaded. One saved before the slopes became graph inputs (same weights, same loss)
     * is rebuilt in the current graph with its weights, Adam state and step count, then checked: its
     * loss on a probe batch must equal the saved graph's.
     */
    private static CriticGraph checked(SameDiff sd, String where) {
        if (sd.hasVariable(SLOPE + 1)) return new CriticGraph(sd, sizesOf(sd));
        CriticGraph saved = new CriticGraph(sd, sizesOf(sd));
        int[] widths = saved.widths();
        DataType type = sd.getVariable("conv1_w").dataType();
        CriticGraph current = create(widths, saved.sizes[0], REFERENCE_GP_WEIGHT, 0, type);
        if (sd.getTrainingConfig() != null && sd.getTrainingConfig().getUpdater() instanceof Adam a) {
            current.trainWith(a.getLearningRate(), a.getBeta1(), a.getBeta2());
        }
        current.averageFrom(List.of(saved)); // the mean of one: its weights, Adam moments and step count
        Nd4j.getRandom().setSeed(1);
        long[] image = {2, 1, saved.sizes[0], saved.sizes[0]};
        INDArray x = Nd4j.rand(type, image), xhat = Nd4j.rand(type, image), eps = Nd4j.rand(type, 2, 1, 1, 1);
        double was = sd.output(Map.of(REAL, x, FAKE, xhat, EPS, eps), LOSS).get(LOSS).getDouble(0);
        double is = current.evaluate(x, xhat, eps, LOSS).get(LOSS).getDouble(0);
        if (!(Math.abs(was - is) <= 1e-4 * Math.max(1, Math.abs(was)))) {
            throw new IllegalStateException("the critic in " + where + " was written by an earlier unirep and does not convert (loss "
                    + was + " there, " + is + " converted; a penalty weight other than " + REFERENCE_GP_WEIGHT + "?): train that run again");
        }
        return current;
    }

    /**
     * Weights, Adam state (null before the first critic step) and Adam's step count: what parameter
     * averaging ships between the driver and its workers, far smaller and faster than the graph.
     */
    public record State(Map<String, INDArray> weights, Map<String, Map<String, INDArray>> adam, int steps) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Copies of the arrays, safe to ship while the critic trains on. */
        public State copy() {
            Map<String, INDArray> w = new LinkedHashMap<>();
            weights.forEach((k, v) -> w.put(k, v.dup()));
            Map<String, Map<String, INDArray>> a = null;
            if (adam != null) {
                a = new LinkedHashMap<>();
                for (Map.Entry<String, Map<String, INDArray>> e : adam.entrySet()) {
                    Map<String, INDArray> m = new LinkedHashMap<>();
                    e.getValue().forEach((k, v) -> m.put(k, v.dup()));
                    a.put(e.getKey(), m);
                }
            }
            return new State(w, a, steps);
        }
    }

    /** This critic's state: its own arrays, not copies. */
    public State state() {
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) if (v.getVariableType() == VariableType.VARIABLE) weights.put(v.name(), v.getArr());
        Map<String, Map<String, INDArray>> adam = null;
        if (sd.getUpdaterMap() != null) {
            adam = new LinkedHashMap<>();
            for (Map.Entry<String, GradientUpdater> e : sd.getUpdaterMap().entrySet()) {
                @SuppressWarnings("unchecked") Map<String, INDArray> st = e.getValue().getState();
                adam.put(e.getKey(), new LinkedHashMap<>(st));
            }
        }
        TrainingConfig tc = sd.getTrainingConfig();
        return new State(weights, adam, tc == null ? -1 : tc.getIterationCount());
    }

    /** Takes over {@code s} (weights, Adam state, step count); a state from before any critic step resets Adam. */
    public void load(State s) {
        if (s.adam() == null && sd.getUpdaterMap() != null) {
            for (GradientUpdater u : sd.getUpdaterMap().values()) {
                @SuppressWarnings("unchecked") Map<String, INDArray> st = u.getState();
                st.values().forEach(a -> a.assign(0)); // Adam's moments as a first step finds them
            }
        }
        average(List.of(s));
    }

    /**
     * Parameter averaging: sets this critic's weights and Adam state to the means of the workers'
     * (each started from this critic's state and trained on its own minibatches).
     */
    public void averageFrom(List<CriticGraph> workers) {
        average(workers.stream().map(CriticGraph::state).toList());
    }

    /** As {@link #averageFrom}, over the workers' states. */
    public void average(List<State> workers) {
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() != VariableType.VARIABLE) continue;
            INDArray sum = workers.get(0).weights().get(v.name()).dup();
            for (int i = 1; i < workers.size(); i++) sum.addi(workers.get(i).weights().get(v.name()));
            v.getArr().assign(sum.divi(workers.size()));
        }
        // Adam's bias correction counts steps: go on from where the workers stopped.
        TrainingConfig tc = sd.getTrainingConfig();
        int steps = workers.stream().mapToInt(State::steps).max().orElse(-1);
        if (tc != null && steps >= 0) tc.setIterationCount(steps);
        if (workers.stream().allMatch(w -> w.adam() == null)) return; // no worker took a critic step
        // A critic that never stepped itself (the stage-1 driver's) has no Adam state yet: without
        // one, the moments would be dropped every round and the next round's workers start from zero.
        if (sd.getUpdaterMap() == null) initializeTraining(sd);
        Map<String, GradientUpdater> mine = sd.getUpdaterMap();
        for (Map.Entry<String, GradientUpdater> e : mine.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, INDArray> state = e.getValue().getState();
            for (Map.Entry<String, INDArray> s : state.entrySet()) {
                INDArray sum = s.getValue().like().assign(0);
                for (State w : workers) {
                    // A worker whose share held no critic step still holds the state it was sent: ours.
                    sum.addi(w.adam() == null ? s.getValue() : w.adam().get(e.getKey()).get(s.getKey()));
                }
                s.getValue().assign(sum.divi(workers.size()));
            }
        }
    }

    /** SameDiff builds its updaters lazily, on the first fit, through a protected method. */
    private static void initializeTraining(SameDiff sd) {
        try {
            Method m = SameDiff.class.getDeclaredMethod("initializeTraining");
            m.setAccessible(true);
            m.invoke(sd);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set up the critic's Adam state (SameDiff.initializeTraining)", e);
        }
    }

    private static int[] sizesOf(SameDiff sd) {
        int[] sizes = new int[sd.variables().stream().filter(v -> v.name().matches("conv\\d+_w")).toArray().length + 1];
        sizes[0] = (int) sd.getVariable(REAL).placeholderShape()[2];
        for (int i = 1; i < sizes.length; i++) sizes[i] = (sizes[i - 1] + 2 * P - K) / S + 1;
        return sizes;
    }

    /** Adam (PyTorch's: TorchAdam) on the critic loss (reference: lr 2e-4, betas 0.5, 0.9). */
    public CriticGraph trainWith(double learningRate, double beta1, double beta2) {
        List<String> inputs = new ArrayList<>(List.of(REAL, FAKE, EPS));
        for (int i = 1; i < sizes.length; i++) inputs.add(SLOPE + i);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new TorchAdam(learningRate, beta1, beta2, 1e-8))
                .dataSetFeatureMapping(inputs)
                .markLabelsUnused()
                .minimize(LOSS)
                .build());
        return this;
    }

    /**
     * Sets Adam's learning rate for the following steps (the epoch schedule: lr x 1, x 1/5, x 1/50).
     * The updaters read their config on every step, so this takes effect at once.
     */
    public void setLearningRate(double lr) {
        ((Adam) sd.getTrainingConfig().getUpdater()).setLearningRate(lr);
    }

    /** The learning rate the next critic step uses. */
    public double learningRate() {
        Map<String, GradientUpdater> u = sd.getUpdaterMap();
        IUpdater conf = u == null || u.isEmpty() ? sd.getTrainingConfig().getUpdater()
                : u.values().iterator().next().getConfig();
        return conf.getLearningRate(0, 0);
    }

    /**
     * One critic step on real images x, reconstructions xhat ([n,1,28,28]) and mixing weights eps
     * ([n,1,1,1]): what {@code SameDiff.fit} does for one minibatch (one training iteration of the
     * gradient function, then the iteration count), in a training session kept from step
     * to step. {@code fit} builds a new session, and with it a new array cache, on every call: each
     * step then allocated its ~75 MB of activations and gradients afresh. Same numbers, bit for bit
     * (CriticGraphTest).
     */
    public synchronized void fitStep(INDArray x, INDArray xhat, INDArray eps) { // as SameDiff.fit: one step at a time
        Map<String, INDArray> in = feed(x, xhat, eps);
        TrainingConfig tc = sd.getTrainingConfig();
        Map<String, INDArray> placeholders = new HashMap<>();
        for (String name : tc.getDataSetFeatureMapping()) placeholders.put(name, in.get(name));
        if (sd.getUpdaterMap() == null) initializeTraining(sd);
        if (sd.getFunction(GRAD_FN) == null) sd.createGradFunction();
        SameDiff grad = sd.getFunction(GRAD_FN);
        if (session == null || sessionGraph != grad || sessionConfig != tc) {
            grad.setTrainingConfig(tc);
            session = new TrainingSession(grad);
            sessionGraph = grad;
            sessionConfig = tc;
        }
        Set<String> params = new LinkedHashSet<>();
        for (SDVariable v : sd.variables()) if (v.getVariableType() == VariableType.VARIABLE) params.add(v.name());
        At at = At.builder().epoch(tc.getEpochCount()).iteration(tc.getIterationCount()).trainingThreadNum(0)
                .javaThreadNum(Thread.currentThread().getId()).operation(Operation.TRAINING).build();
        session.trainingIteration(tc, placeholders, params, sd.getUpdaterMap(), new MultiDataSet(new INDArray[0], new INDArray[0]),
                sd.getLossVariables(), new ArrayList<>(), at);
        tc.incrementIterationCount(); // as fit(MultiDataSet), which leaves the epoch count alone
    }

    /** Named outputs (D_REAL, D_FAKE, GP, LOSS, W1) for the given inputs. */
    public Map<String, INDArray> evaluate(INDArray x, INDArray xhat, INDArray eps, String... names) {
        boolean penalty = Arrays.stream(names).anyMatch(n -> n.equals(GP) || n.equals(LOSS));
        return sd.output(penalty ? feed(x, xhat, eps) : Map.of(REAL, x, FAKE, xhat, EPS, eps), names);
    }

    /** All graph inputs for images x, xhat and mixing weights eps: those three and the slopes at x~. */
    public Map<String, INDArray> feed(INDArray x, INDArray xhat, INDArray eps) {
        Map<String, INDArray> in = new HashMap<>(Map.of(REAL, x, FAKE, xhat, EPS, eps));
        String[] at = new String[sizes.length - 1];
        for (int i = 1; i < sizes.length; i++) at[i - 1] = SLOPE_AT_MIXED + i;
        Map<String, INDArray> slopes = sd.output(in, at);
        for (int i = 1; i < sizes.length; i++) in.put(SLOPE + i, slopes.get(SLOPE_AT_MIXED + i));
        return in;
    }

    /** The reference critic: widths 64, 128, 256 on 28x28 images, gradient penalty weight 10. */
    public static CriticGraph reference(long seed) {
        return create(new int[] {64, 128, 256}, 28, REFERENCE_GP_WEIGHT, seed, DataType.FLOAT);
    }

    public static CriticGraph create(int[] widths, int imageSize, double gpWeight, long seed, DataType type) {
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(seed);
        int[] sizes = new int[widths.length + 1];
        sizes[0] = imageSize;
        List<SDVariable[]> convs = new ArrayList<>();
        int in = 1;
        for (int i = 0; i < widths.length; i++) {
            double bound = 1 / Math.sqrt(in * K * K); // PyTorch's default init
            convs.add(new SDVariable[] {
                sd.var("conv" + (i + 1) + "_w", Nd4j.rand(type, K, K, in, widths[i]).muli(2 * bound).subi(bound)),
                sd.var("conv" + (i + 1) + "_b", Nd4j.rand(type, widths[i]).muli(2 * bound).subi(bound))});
            sizes[i + 1] = (sizes[i] + 2 * P - K) / S + 1;
            in = widths[i];
        }
        int flat = in * sizes[widths.length] * sizes[widths.length];
        double bound = 1 / Math.sqrt(flat);
        SDVariable wd = sd.var("fc_w", Nd4j.rand(type, flat, 1).muli(2 * bound).subi(bound));
        SDVariable bd = sd.var("fc_b", Nd4j.rand(type, 1).muli(2 * bound).subi(bound));

        CriticGraph g = new CriticGraph(sd, sizes);
        SDVariable x = sd.placeHolder(REAL, type, -1, 1, imageSize, imageSize);
        SDVariable xhat = sd.placeHolder(FAKE, type, -1, 1, imageSize, imageSize);
        SDVariable eps = sd.placeHolder(EPS, type, -1, 1, 1, 1);
        SDVariable dReal = g.forward(x, convs, wd, bd, null).mean().rename(D_REAL);
        SDVariable dFake = g.forward(xhat, convs, wd, bd, null).mean().rename(D_FAKE);
        SDVariable mixed = eps.mul(x).add(eps.rsub(1.0).mul(xhat));
        List<SDVariable> pre = new ArrayList<>();
        g.forward(mixed, convs, wd, bd, pre);
        List<SDVariable> slopes = new ArrayList<>();
        for (int i = 0; i < widths.length; i++) {
            pre.get(i).gt(0.0).castTo(type).mul(0.99).add(0.01).rename(SLOPE_AT_MIXED + (i + 1));
            slopes.add(sd.placeHolder(SLOPE + (i + 1), type, -1, widths[i], sizes[i + 1], sizes[i + 1]));
        }
        SDVariable grad = g.inputGradient(slopes, convs, wd, flat);
        SDVariable norm = sd.math.sqrt(grad.mul(grad).sum(1, 2, 3).add(1e-12));
        SDVariable gp = norm.sub(1.0).mul(norm.sub(1.0)).mean().rename(GP);
        dFake.sub(dReal).add(gp.mul(gpWeight)).rename(LOSS);
        dReal.sub(dFake).rename(W1);
        sd.setLossVariables(LOSS);
        return g;
    }

    /** D(in) as [n,1]; collects each convolution's pre-activation into {@code pre} when given. */
    private SDVariable forward(SDVariable in, List<SDVariable[]> convs, SDVariable wd, SDVariable bd, List<SDVariable> pre) {
        SDVariable h = in;
        for (SDVariable[] c : convs) {
            SDVariable a = sd.cnn().conv2d(h, c[0], c[1], conv());
            if (pre != null) pre.add(a);
            h = leakyRelu(a);
        }
        return sd.reshape(h, sd.constant(Nd4j.createFromArray(-1L, wd.getShape()[0]))).mmul(wd).add(bd);
    }

    /**
     * LeakyReLU(0.01) as a * slope, slope = 0.01 + 0.99 step(a): the same numbers as libnd4j's
     * leakyrelu (the slope is alpha at exactly 0, as in PyTorch), without its branch per value
     * (leakyrelu and lrelu_bp took 10 and 15 ms on a [128,64,14,14] activation of mixed sign, the
     * vector ops ~2 ms; step's gradient is zero).
     */
    private SDVariable leakyRelu(SDVariable a) {
        return a.mul(sd.math().step(a, 0.0).mul(0.99).add(0.01));
    }

    /** dD/d(in) for each sample, written out as ops (see the class comment). */
    private SDVariable inputGradient(List<SDVariable> slopes, List<SDVariable[]> convs, SDVariable wd, int flat) {
        int last = convs.size() - 1;
        // D = flatten(h) . wd + bd: dD/dh is wd, the same for every sample (broadcast by the first multiply).
        SDVariable g = sd.reshape(wd, 1, flat / (sizes[last + 1] * sizes[last + 1]), sizes[last + 1], sizes[last + 1]);
        for (int i = last; i >= 0; i--) {
            SDVariable full = sd.cnn().deconv2d(slopes.get(i).mul(g), convs.get(i)[0], deconv());
            g = full.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(P, P + sizes[i]), SDIndex.interval(P, P + sizes[i]));
        }
        return g;
    }

    private static Conv2DConfig conv() {
        return Conv2DConfig.builder().kH(K).kW(K).sH(S).sW(S).pH(P).pW(P).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
    }

    private static DeConv2DConfig deconv() {
        return DeConv2DConfig.builder().kH(K).kW(K).sH(S).sW(S).pH(0).pW(0).isSameMode(false).dataFormat("NCHW").build();
    }
}
