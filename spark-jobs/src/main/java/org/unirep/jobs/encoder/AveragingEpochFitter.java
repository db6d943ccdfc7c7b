package org.unirep.jobs.encoder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.data.LabeledImages;
import org.unirep.io.CrashPoint;
import org.unirep.nn.OneDnn;
import org.unirep.spark.TaskDevice;
import org.unirep.training.Divergence;
import org.unirep.training.EpochBatches;
import org.unirep.training.EpochFitter;
import org.unirep.training.LocalEpochFitter;
import org.unirep.training.TrainingRun;

/**
 * Stage 1's way of fitting an epoch of the one training loop: parameter averaging over Spark
 * tasks, for RDC and RDP alike (the critic is a SameDiff graph, which DL4J's training master
 * cannot carry, so the scheme is written out for both networks). The epoch is cut as local
 * training cuts it ({@link EpochBatches}: the broadcast training set reshuffled from the run's
 * seed every epoch); each round ships the generator and the critic (weights + Adam state) to
 * {@code workers} tasks, each fits its {@code frequency} consecutive minibatches with their indices
 * in the epoch ({@link LocalEpochFitter#fit}: critic and generator steps alternate by index, the
 * dither is the one local training would draw), then the driver sets both networks to the
 * workers' means (Adam moments included, Adam's step count continued) and refreshes the
 * generator's frozen critic copy. With one worker this is local training, step for step.
 */
final class AveragingEpochFitter implements EpochFitter {
    private final JavaSparkContext jsc;
    private final Broadcast<LabeledImages> train;
    private final int workers, frequency;
    private final String description;

    AveragingEpochFitter(JavaSparkContext jsc, Broadcast<LabeledImages> train, int workers, int frequency, String description) {
        this.jsc = jsc;
        this.train = train;
        this.workers = workers;
        this.frequency = frequency;
        this.description = description;
    }

    /** Minibatches [from, to) of the epoch's cut. */
    record Share(int from, int to) implements Serializable {}

    private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(AveragingEpochFitter.class);

    /** A worker's networks and what it did; {@code divergence} names the step whose loss stopped being finite. */
    record WorkerResult(byte[] generator, byte[] critic, double lossSum, long criticSteps, long generatorSteps, String divergence)
            implements Serializable {}

    @Override
    public EpochStats fit(TrainingRun run, int epoch) throws IOException {
        ComputationGraph net = run.net();
        CriticGraph critic = run.critic();
        CompressionConfig config = run.config();
        Broadcast<LabeledImages> data = train; // the task closure must not capture this (not serializable)
        int batches = EpochBatches.of(data.value(), run.seeds(), epoch, config.batchSize()).count();
        double lossSum = 0;
        long criticSteps = 0, generatorSteps = 0;
        int perRound = workers * frequency;
        int rounds = (batches + perRound - 1) / perRound;
        long started = System.nanoTime(), lastLine = started;
        for (int from = 0, round = 0; from < batches; from += perRound, round++) {
            List<Share> shares = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int a = from + w * frequency, b = Math.min(batches, a + frequency);
                if (a < b) shares.add(new Share(a, b));
            }
            Broadcast<byte[]> gen = jsc.broadcast(bytes(net));
            Broadcast<byte[]> crit = jsc.broadcast(critic.toBytes());
            jsc.setJobDescription(description + " epoch " + (epoch + 1) + "/" + config.epochs() + " round " + (round + 1) + "/" + rounds);
            List<WorkerResult> results = jsc.parallelize(shares, shares.size())
                    .map(s -> work(data.value(), config, epoch, gen.value(), crit.value(), s)).collect();
            gen.destroy();
            crit.destroy();
            for (WorkerResult r : results) if (r.divergence() != null) throw new Divergence(r.divergence());
            List<ComputationGraph> nets = new ArrayList<>();
            List<CriticGraph> critics = new ArrayList<>();
            for (WorkerResult r : results) {
                nets.add(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(r.generator()), true));
                critics.add(CriticGraph.fromBytes(r.critic()));
                lossSum += r.lossSum();
                criticSteps += r.criticSteps();
                generatorSteps += r.generatorSteps();
            }
            average(net, nets);
            critic.averageFrom(critics);
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
        return new EpochStats(generatorSteps == 0 ? Double.NaN : lossSum / generatorSteps, criticSteps, generatorSteps);
    }

    private static WorkerResult work(LabeledImages train, CompressionConfig config, int epoch, byte[] generator, byte[] criticBytes,
                                     Share share) throws IOException {
        TaskDevice.bind();
        OneDnn.enable();
        ComputationGraph net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(generator), true);
        TrainingRun run = TrainingRun.of(config, net, CriticGraph.fromBytes(criticBytes), null);
        run.beginEpoch(epoch);
        EpochBatches batches = EpochBatches.of(train, run.seeds(), epoch, config.batchSize());
        try {
            LocalEpochFitter.Part p = LocalEpochFitter.fit(run, batches, epoch, share.from(), share.to());
            return new WorkerResult(bytes(net), run.critic().toBytes(), p.lossSum(), p.criticSteps(), p.generatorSteps(), null);
        } catch (Divergence d) {
            return new WorkerResult(null, null, Double.NaN, 0, 0, d.getMessage());
        }
    }

    /**
     * Weights, BatchNorm statistics and Adam state: the workers' means; the step count goes on from
     * the furthest worker (as the critic's does: CriticGraph.averageFrom).
     */
    static void average(ComputationGraph net, List<ComputationGraph> workers) {
        INDArray params = workers.get(0).params().dup();
        INDArray state = workers.get(0).getUpdater().getStateViewArray().dup();
        for (int i = 1; i < workers.size(); i++) {
            params.addi(workers.get(i).params());
            state.addi(workers.get(i).getUpdater().getStateViewArray());
        }
        net.setParams(params.divi(workers.size()));
        net.getUpdater().getStateViewArray().assign(state.divi(workers.size()));
        net.getConfiguration().setIterationCount(workers.stream().mapToInt(w -> w.getConfiguration().getIterationCount()).max().orElseThrow());
    }

    private static byte[] bytes(ComputationGraph net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        return out.toByteArray();
    }
}
