package org.unirep.training;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.nn.MomentsBatchNormHelper;

/**
 * One compression model's training, the only training loop of the project: built from its config
 * (end-to-end, or universal on a frozen encoder with the critic started from the base model's),
 * then {@link #train}: per epoch, the schedule ({@link Schedule}: learning rates of all three
 * optimisers, lambda anneal), the epoch's steps ({@link EpochFitter}, by default in this thread),
 * a divergence check, the test evaluation and the history. Checkpoints: {@link Checkpoint}.
 */
public final class TrainingRun {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    /**
     * Names the loop's algorithm in run identities: results of an earlier loop are a different
     * experiment and must not be resumed. 1: the reference's alternating steps; 2: BatchNorm running
     * statistics as PyTorch keeps them, universal decoders on a training-mode encoder with a fresh
     * critic Adam and a constant lambda.
     */
    public static final String LOOP_VERSION = "reference-alternating-2";


    /** history: the test rows per epoch; training: the train rows (means of the loss parts) per epoch. */
    public record Result(RunStatus status, String error, List<EpochMetrics> history, List<EpochMetrics> training,
                         long criticSteps, long generatorSteps, double seconds) {
        public EpochMetrics last() { return history.isEmpty() ? null : history.get(history.size() - 1); }

        /** Every row for the metrics table: each epoch's test row, then its train row. */
        public List<EpochMetrics> metrics() {
            List<EpochMetrics> all = new ArrayList<>(history);
            all.addAll(training);
            return all;
        }

        /** The mean generator loss of each epoch. */
        public List<Double> trainLoss() { return training.stream().map(EpochMetrics::loss).toList(); }
    }

    private final CompressionConfig config;
    private final ComputationGraph net;
    private final CriticGraph critic;
    private final MultiLayerNetwork classifier;
    private final Seeds seeds;
    private final boolean universal;
    private Draws draws;
    private Steps steps;
    private String name;

    private TrainingRun(CompressionConfig config, ComputationGraph net, CriticGraph critic, MultiLayerNetwork classifier) {
        this.config = config;
        this.net = net;
        this.critic = critic;
        this.classifier = classifier;
        this.seeds = new Seeds(config.seed());
        this.universal = CompressionModel.isUniversal(net);
        this.draws = seeds;
        this.steps = new Steps(net, critic, draws, config.mode());
        this.name = config.mode().id() + " dim=" + config.dim() + " L=" + config.levels() + " lambda=" + config.lambda() + " ";
    }

    /** Names the run in its progress lines (a run id and label in a sweep). */
    public TrainingRun named(String name) {
        this.name = name + " ";
        return this;
    }

    /** A new end-to-end model and critic. RDC needs the frozen classifier; for RDP it only measures CE. */
    public static TrainingRun endToEnd(CompressionConfig c, MultiLayerNetwork classifier) {
        ComputationGraph net = CompressionModel.create(c, classifier, false);
        CriticGraph critic = CriticGraph.reference(new Seeds(c.seed()).critic());
        return of(c, net, critic, classifier);
    }

    /**
     * A new decoder on the frozen encoder of {@code base} (uRDP train_reduced): the critic starts from
     * the base model's weights with a fresh Adam ({@code initialize_base_discriminator = 1}, a new
     * optimiser), the encoder's weights stay fixed while it runs in training mode, lambda is constant.
     */
    public static TrainingRun universal(CompressionConfig c, MultiLayerNetwork classifier, ComputationGraph base, CriticGraph baseCritic) {
        ComputationGraph net = CompressionModel.create(c, classifier, true);
        CompressionModel.copyEncoder(base, net);
        return of(c, net, baseCritic.weightsOnly(), classifier);
    }

    /** A run over existing networks (a checkpoint, or a parameter-averaging worker's copies). */
    public static TrainingRun of(CompressionConfig c, ComputationGraph net, CriticGraph critic, MultiLayerNetwork classifier) {
        if (critic.sameDiff().getTrainingConfig() == null) critic.trainWith(c.criticLearningRate(), c.beta1(), c.beta2());
        CompressionModel.loadCritic(net, critic);
        MomentsBatchNormHelper.install(net); // faster batch statistics, same numbers (not saved with a model)
        return new TrainingRun(c, net, critic, classifier);
    }

    public CompressionConfig config() { return config; }

    public ComputationGraph net() { return net; }

    public CriticGraph critic() { return critic; }

    public Seeds seeds() { return seeds; }

    /** The frozen classifier that measures CE and accuracy of an RDP model (RDC graphs carry their own), or null. */
    public MultiLayerNetwork classifier() { return classifier; }

    public Steps steps() { return steps; }

    /** Whether this run trains a universal decoder (a frozen encoder). */
    public boolean universal() { return universal; }

    public Draws draws() { return draws; }

    /**
     * Replaces the run's random inputs ({@link Seeds} by default): a golden-file test replays
     * another implementation's draws through this run's own steps and evaluation.
     */
    public TrainingRun drawingFrom(Draws d) {
        this.draws = d;
        this.steps = new Steps(net, critic, d, config.mode());
        return this;
    }

    /** Sets epoch {@code epoch}'s learning rates (encoder/decoder and critic) and lambda. */
    public void beginEpoch(int epoch) {
        double f = Schedule.lrFactor(epoch);
        CompressionModel.setLearningRate(net, config.learningRate() * f);
        net.getConfiguration().setEpochCount(epoch);
        critic.setLearningRate(config.criticLearningRate() * f);
        CompressionModel.setLambda(net, Schedule.lambda(config.lambda(), epoch, universal));
    }

    /** Trains all epochs in this thread on {@code train}. */
    public Result train(LabeledImages train, LabeledImages test) {
        return train(new LocalEpochFitter(train), test);
    }

    /**
     * Trains all epochs with {@code fitter}, evaluating on {@code test} after each (the split's
     * label is "none" with NaN metrics when no test split is given, unless the fitter evaluates on its own:
     * {@link EpochFitter#evaluate}). A NaN or infinite loss or
     * test metric ends the run as DIVERGED; other exceptions propagate.
     */
    public Result train(EpochFitter fitter, LabeledImages test) {
        return train(fitter, test, EpochCheckpoints.Progress.NONE, null);
    }

    /**
     * As above, continuing after the epochs of {@code from} (this run's networks must hold the state
     * they ended with), and saving the state after every epoch to {@code checkpoints} if not null.
     */
    public Result train(EpochFitter fitter, LabeledImages test, EpochCheckpoints.Progress from, EpochCheckpoints checkpoints) {
        long t0 = System.nanoTime();
        List<EpochMetrics> history = new ArrayList<>(from.history());
        List<EpochMetrics> training = new ArrayList<>(from.training());
        long criticSteps = from.criticSteps(), generatorSteps = from.generatorSteps();
        try {
            for (int epoch = from.epochsDone(); epoch < config.epochs(); epoch++) {
                long te = System.nanoTime();
                beginEpoch(epoch);
                EpochFitter.EpochStats s = fitter.fit(this, epoch);
                long tEval = System.nanoTime();
                criticSteps += s.criticSteps();
                generatorSteps += s.generatorSteps();
                if (s.generatorSteps() > 0) Divergence.check(s.generatorLoss(), epoch, s.criticSteps() + s.generatorSteps() - 1, config.lambda());
                training.add(EpochMetrics.training(epoch + 1, config.mode(), s.mean()));
                EpochMetrics m = fitter.evaluate(this, test, epoch);
                history.add(m);
                double sec = (System.nanoTime() - te) / 1e9, fitSec = (tEval - te) / 1e9;
                int done = epoch + 1 - from.epochsDone(), left = config.epochs() - epoch - 1;
                double images = (double) (s.criticSteps() + s.generatorSteps()) * config.batchSize();
                long eta = Math.round((System.nanoTime() - t0) / 1e9 / done * left);
                log.info("{}epoch {}/{}: test mse {}, ce {}, acc {}, w1 {} | train loss {} = mse {} + lambda * {} {}, {} critic + {} generator"
                                + " steps, {} img/s, {} s (eval {} s){}", name, epoch + 1, config.epochs(), fmt(m.mse()), fmt(m.ce()),
                        fmt(m.accuracy()), fmt(m.w1()), fmt(s.mean().total()), fmt(s.mean().distortion()),
                        config.mode() == Mode.RDC ? "ce" : "-mean D(x^)", fmt(s.mean().term()), s.criticSteps(), s.generatorSteps(), Math.round(images / fitSec),
                        String.format("%.1f", sec), String.format("%.1f", sec - fitSec),
                        left == 0 ? "" : String.format(" | ~%dm%02ds left in this run", eta / 60, eta % 60));
                if (m.evaluated() && (!Double.isFinite(m.mse()) || !Double.isFinite(m.w1()))) {
                    throw new Divergence("test metrics after epoch " + (epoch + 1) + ": mse " + m.mse() + ", w1 " + m.w1());
                }
                if (checkpoints != null && epoch + 1 < config.epochs()) {
                    fitter.checkpoint(this, checkpoints, new EpochCheckpoints.Progress(epoch + 1, history, training, criticSteps, generatorSteps));
                }
            }
            return new Result(RunStatus.OK, null, history, training, criticSteps, generatorSteps, (System.nanoTime() - t0) / 1e9);
        } catch (Divergence d) {
            log.warn("diverged: {}", d.getMessage());
            return new Result(RunStatus.DIVERGED, d.getMessage(), history, training, criticSteps, generatorSteps, (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String fmt(double v) { return String.format("%.5f", v); }
}
