package org.unirep.jobs.encoder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.compression.EpochMetrics;
import org.unirep.data.ImageSource;
import org.unirep.data.LabeledImages;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;
import org.unirep.nn.OneDnn;
import org.unirep.spark.TaskDevice;
import org.unirep.training.Checkpoint;
import org.unirep.training.Divergence;
import org.unirep.training.EpochBatches;
import org.unirep.training.EpochCheckpoints;
import org.unirep.training.EpochFitter;
import org.unirep.training.Evaluation;
import org.unirep.training.LocalEpochFitter;
import org.unirep.training.TrainingRun;

/**
 * Stage 1's way of fitting an epoch of the one training loop: parameter averaging over Spark
 * tasks, for RDC and RDP alike (the critic is a SameDiff graph, which DL4J's training master
 * cannot carry, so the scheme is written out for both networks). The epoch is cut as local
 * training cuts it ({@link EpochBatches}: the training set, which each worker reads where it runs, reshuffled from the run's
 * seed every epoch); each round ships the generator's and the critic's state (weights, BatchNorm
 * statistics, Adam state: arrays only; the networks themselves go once per epoch and each executor
 * keeps them between rounds, {@link WorkerRuns}) to {@code workers} tasks, each fits its
 * {@code frequency} consecutive minibatches with their indices in the epoch
 * ({@link LocalEpochFitter#fit}: critic and generator steps alternate by index, the dither is the
 * one local training would draw), then the driver sets both networks to the workers' means (Adam
 * moments included, Adam's step count continued) and refreshes the generator's frozen critic copy.
 * With one worker this is local training, step for step (a sweep trains a one-worker encoder as an
 * ordinary task instead). Each epoch's evaluation, checkpoint and the final save run in a task too.
 */
public final class AveragingEpochFitter implements EpochFitter {
    private final JavaSparkContext jsc;
    private final ImageSource train, test;
    private final int workers, frequency;
    private final String description;

    /**
     * {@code train}: read by each worker where it runs. {@code test}: the test split; each epoch's evaluation, its checkpoint and the final
     * model's save then run on an executor too (a task given the averaged networks), so the driver
     * never runs a forward pass. Null: they run in the calling thread (EncoderScaling alone).
     */
    public AveragingEpochFitter(JavaSparkContext jsc, ImageSource train, ImageSource test, int workers,
                                int frequency, String description) {
        this.jsc = jsc;
        this.train = train;
        this.test = test;
        this.workers = workers;
        this.frequency = frequency;
        this.description = description;
    }

    @Override
    public String describe() {
        return "on " + train.count() + " images, " + workers + " workers averaging every " + frequency + " minibatches"
                + (test == null ? "" : ", evaluated on an executor");
    }

    /** What a task does with the averaged networks ({@link #onExecutor}). */
    interface OnNetworks<T> extends Serializable {
        T apply(TrainingRun run) throws Exception;
    }

    @Override
    public EpochMetrics evaluate(TrainingRun run, LabeledImages testSet, int epoch) throws Exception {
        if (test == null || run.draws() != run.seeds()) return EpochFitter.super.evaluate(run, testSet, epoch);
        ImageSource data = test; // read where the task runs: the driver holds no test split
        return onExecutor(run, "test evaluation after epoch " + (epoch + 1),
                r -> Evaluation.evaluate(r.net(), data.images(), epoch + 1, r.critic(), r.classifier(), r.draws()));
    }

    @Override
    public void checkpoint(TrainingRun run, EpochCheckpoints to, EpochCheckpoints.Progress p) throws Exception {
        if (test == null) {
            EpochFitter.super.checkpoint(run, to, p);
            return;
        }
        HadoopFiles files = to.files();
        String dir = to.dir();
        onExecutor(run, "checkpoint after epoch " + p.epochsDone(), r -> {
            new EpochCheckpoints(files, dir).save(r.net(), r.critic(), p);
            return true;
        });
    }

    @Override
    public void save(TrainingRun run, HadoopFiles files, String dir, Map<String, ?> metadata) throws Exception {
        if (test == null) {
            EpochFitter.super.save(run, files, dir, metadata);
            return;
        }
        Map<String, ?> meta = new LinkedHashMap<>(metadata);
        onExecutor(run, "model save", r -> {
            Checkpoint.save(files, dir, r.net(), r.critic(), meta);
            return true;
        });
    }

    /**
     * Runs {@code f} in one task on the driver's networks as they are now (weights, BatchNorm
     * statistics, both Adam states), rebuilt there from bytes with the run's classifier and the
     * run's own draws ({@link org.unirep.training.Seeds}; a run replaying other draws evaluates locally).
     */
    private <T> T onExecutor(TrainingRun run, String what, OnNetworks<T> f) throws IOException {
        Broadcast<byte[]> gen = jsc.broadcast(bytes(run.net())), crit = jsc.broadcast(run.critic().toBytes());
        Broadcast<byte[]> clf = run.classifier() == null ? null : jsc.broadcast(bytes(run.classifier())); // small: ~22k parameters
        CompressionConfig config = run.config();
        jsc.setJobDescription(description + " | " + what);
        try {
            return jsc.parallelize(List.of(0), 1).map(i -> {
                TaskDevice.bind();
                OneDnn.enable();
                ComputationGraph net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(gen.value()), true);
                MultiLayerNetwork c = clf == null ? null : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(clf.value()), false);
                return f.apply(TrainingRun.of(config, net, CriticGraph.fromBytes(crit.value()), c));
            }).collect().get(0);
        } finally {
            gen.destroy();
            crit.destroy();
            if (clf != null) clf.destroy();
        }
    }

    /** Minibatches [from, to) of the epoch's cut. */
    record Share(int from, int to) implements Serializable {}

    private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(AveragingEpochFitter.class);

    /** A worker's networks' state and what it did; {@code divergence} names the step whose loss stopped being finite. */
    record WorkerResult(NetState generator, CriticGraph.State critic, LocalEpochFitter.Part did, String divergence) implements Serializable {}

    /** A generator's trainable state: parameters (BatchNorm statistics and frozen copies included), Adam state, Adam's step count. */
    record NetState(INDArray params, INDArray updater, int iterations) implements Serializable {
        static NetState of(ComputationGraph net) {
            return new NetState(net.params().dup(), net.getUpdater().getStateViewArray().dup(), net.getConfiguration().getIterationCount());
        }

        void into(ComputationGraph net) {
            net.setParams(params);
            net.getUpdater().getStateViewArray().assign(updater);
            net.getConfiguration().setIterationCount(iterations);
        }
    }

    /** The epoch's networks as built once (shipped to an executor that holds none for this config yet) and a round's state. */
    record Round(CompressionConfig config, int epoch, Broadcast<byte[]> generator, Broadcast<byte[]> critic, Broadcast<NetState> net,
                 Broadcast<CriticGraph.State> criticState) implements Serializable {}

    @Override
    public EpochStats fit(TrainingRun run, int epoch) throws IOException {
        ComputationGraph net = run.net();
        CriticGraph critic = run.critic();
        CompressionConfig config = run.config();
        ImageSource data = train; // the task closure must not capture this (not serializable)
        int batches = (data.count() + config.batchSize() - 1) / config.batchSize(); // EpochBatches#count
        Broadcast<byte[]> genBytes = jsc.broadcast(bytes(net)), criticBytes = jsc.broadcast(critic.toBytes());
        LocalEpochFitter.Part did = LocalEpochFitter.Part.NONE;
        int perRound = workers * frequency;
        int rounds = (batches + perRound - 1) / perRound;
        long started = System.nanoTime(), lastLine = started;
        try {
            for (int from = 0, round = 0; from < batches; from += perRound, round++) {
                List<Share> shares = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    int a = from + w * frequency, b = Math.min(batches, a + frequency);
                    if (a < b) shares.add(new Share(a, b));
                }
                Round r = new Round(config, epoch, genBytes, criticBytes, jsc.broadcast(NetState.of(net)), jsc.broadcast(critic.state().copy()));
                jsc.setJobDescription(description + " epoch " + (epoch + 1) + "/" + config.epochs() + " round " + (round + 1) + "/" + rounds);
                List<WorkerResult> results = jsc.parallelize(shares, shares.size()).map(s -> work(data.images(), r, s)).collect();
                r.net().destroy();
                r.criticState().destroy();
                for (WorkerResult w : results) if (w.divergence() != null) throw new Divergence(w.divergence());
                for (WorkerResult w : results) did = did.plus(w.did());
                average(net, results.stream().map(WorkerResult::generator).toList());
                critic.average(results.stream().map(WorkerResult::critic).toList());
                CompressionModel.loadCritic(net, critic);
                CrashPoint.reach(CrashPoint.STAGE1_ROUND);
                long now = System.nanoTime();
                if (now - lastLine > PROGRESS_EVERY_NANOS && round + 1 < rounds) { // a long epoch is not silent
                    double sec = (now - started) / 1e9, done = Math.min(batches, from + perRound);
                    long left = Math.round(sec / done * (batches - done));
                    log.info("{}: epoch {}/{} round {}/{}, {} img/s, ~{}m{}s left in the epoch", description, epoch + 1, config.epochs(),
                            round + 1, rounds, Math.round(done * config.batchSize() / sec), left / 60, String.format("%02d", left % 60));
                    lastLine = now;
                }
            }
        } finally {
            genBytes.destroy();
            criticBytes.destroy();
        }
        return did.stats();
    }

    private static WorkerResult work(LabeledImages train, Round round, Share share) throws IOException {
        TaskDevice.bind();
        OneDnn.enable();
        CompressionConfig config = round.config();
        TrainingRun run = WorkerRuns.take(config);
        if (run == null) {
            ComputationGraph net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(round.generator().value()), true);
            run = TrainingRun.of(config, net, CriticGraph.fromBytes(round.critic().value()), null);
        }
        round.net().value().into(run.net());
        run.critic().load(round.criticState().value());
        run.beginEpoch(round.epoch());
        EpochBatches batches = EpochBatches.of(train, run.seeds(), round.epoch(), config.batchSize());
        WorkerResult result;
        try {
            LocalEpochFitter.Part p = LocalEpochFitter.fit(run, batches, round.epoch(), share.from(), share.to());
            result = new WorkerResult(NetState.of(run.net()), run.critic().state().copy(), p, null);
        } catch (Divergence d) {
            result = new WorkerResult(null, null, LocalEpochFitter.Part.NONE, d.getMessage());
        }
        WorkerRuns.give(config, run); // its state is overwritten by the next round that takes it
        return result;
    }

    /**
     * Weights, BatchNorm statistics and Adam state: the workers' means; the step count goes on from
     * the furthest worker (as the critic's does: CriticGraph.average).
     */
    static void average(ComputationGraph net, List<NetState> workers) {
        INDArray params = workers.get(0).params().dup();
        INDArray state = workers.get(0).updater().dup();
        for (int i = 1; i < workers.size(); i++) {
            params.addi(workers.get(i).params());
            state.addi(workers.get(i).updater());
        }
        net.setParams(params.divi(workers.size()));
        net.getUpdater().getStateViewArray().assign(state.divi(workers.size()));
        net.getConfiguration().setIterationCount(workers.stream().mapToInt(NetState::iterations).max().orElseThrow());
    }

    /**
     * Networks an executor keeps between rounds, per config: building them from bytes (the graph,
     * the critic's SameDiff graph and its gradient function) costs more than a round's steps at
     * small averaging frequencies. A task takes one for itself and gives it back when done.
     */
    static final class WorkerRuns {
        private static final int CONFIGS = 4;
        private static final Map<CompressionConfig, Deque<TrainingRun>> IDLE = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<CompressionConfig, Deque<TrainingRun>> e) {
                return size() > CONFIGS;
            }
        };

        private WorkerRuns() {}

        static synchronized TrainingRun take(CompressionConfig c) {
            Deque<TrainingRun> d = IDLE.get(c);
            return d == null ? null : d.poll();
        }

        static synchronized void give(CompressionConfig c, TrainingRun run) {
            IDLE.computeIfAbsent(c, k -> new ArrayDeque<>()).push(run);
        }
    }

    private static byte[] bytes(org.deeplearning4j.nn.api.Model net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        return out.toByteArray();
    }
}
