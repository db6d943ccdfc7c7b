package org.unirep.jobs.encoder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CriticGraph;
import org.unirep.data.CompactMultiDataSetLoader;
import org.unirep.data.Minibatches;
import org.unirep.io.CrashPoint;
import org.unirep.io.HadoopFiles;
import org.unirep.nn.OneDnn;
import org.unirep.spark.TaskDevice;
import org.unirep.training.EpochFitter;
import org.unirep.training.Schedule;
import org.unirep.training.TrainingRun;

/**
 * Stage 1's way of fitting an epoch of the one training loop: parameter averaging over Spark
 * tasks, for RDC and RDP alike (the critic is a SameDiff graph, which DL4J's training master
 * cannot carry, so the scheme is written out for both networks). The epoch's minibatch order is
 * reshuffled from the run's seed; each round ships the generator and the critic (weights + Adam
 * state) to {@code workers} tasks, each runs the reference steps ({@link org.unirep.training.Steps})
 * on its {@code frequency} consecutive minibatches with their indices in the epoch (so critic and
 * generator steps alternate by index and the dither is the one local training would draw), then
 * the driver sets both networks to the workers' means (Adam moments included, Adam's step count
 * continued) and refreshes the generator's frozen critic copy.
 */
final class AveragingEpochFitter implements EpochFitter {
    private final JavaSparkContext jsc;
    private final HadoopFiles files;
    private final List<String> minibatches;
    private final int workers, frequency;
    private final String description;

    AveragingEpochFitter(JavaSparkContext jsc, HadoopFiles files, List<String> minibatches, int workers, int frequency, String description) {
        this.jsc = jsc;
        this.files = files;
        this.minibatches = minibatches;
        this.workers = workers;
        this.frequency = frequency;
        this.description = description;
    }

    record Share(int firstIndex, List<String> paths) implements Serializable {}

    private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(AveragingEpochFitter.class);

    record WorkerResult(byte[] generator, byte[] critic, double lossSum, long criticSteps, long generatorSteps) implements Serializable {}

    @Override
    public EpochStats fit(TrainingRun run, int epoch) throws IOException {
        int[] perm = Minibatches.permutation(minibatches.size(), run.seeds().shuffle(epoch));
        List<String> order = new ArrayList<>();
        for (int i : perm) order.add(minibatches.get(i));
        ComputationGraph net = run.net();
        CriticGraph critic = run.critic();
        CompressionConfig config = run.config();
        HadoopFiles fs = files; // the task closure must not capture this (not serializable)
        double lossSum = 0;
        long criticSteps = 0, generatorSteps = 0;
        int perRound = workers * frequency;
        int rounds = (order.size() + perRound - 1) / perRound;
        long started = System.nanoTime(), lastLine = started;
        for (int from = 0, round = 0; from < order.size(); from += perRound, round++) {
            List<Share> shares = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int a = from + w * frequency, b = Math.min(order.size(), a + frequency);
                if (a < b) shares.add(new Share(a, new ArrayList<>(order.subList(a, b))));
            }
            Broadcast<byte[]> gen = jsc.broadcast(bytes(net));
            Broadcast<byte[]> crit = jsc.broadcast(critic.toBytes());
            jsc.setJobDescription(description + " epoch " + (epoch + 1) + "/" + config.epochs() + " round " + (round + 1) + "/" + rounds);
            List<WorkerResult> results = jsc.parallelize(shares, shares.size())
                    .map(s -> work(fs, config, epoch, gen.value(), crit.value(), s)).collect();
            gen.destroy();
            crit.destroy();
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
            if (!Double.isFinite(lossSum)) break;
            long now = System.nanoTime();
            if (now - lastLine > PROGRESS_EVERY_NANOS && round + 1 < rounds) { // a long epoch is not silent
                double sec = (now - started) / 1e9, batches = Math.min(order.size(), from + perRound);
                long left = Math.round(sec / batches * (order.size() - batches));
                log.info("{}: epoch {}/{} round {}/{}, {} img/s, ~{}m{}s left in the epoch", description, epoch + 1, config.epochs(),
                        round + 1, rounds, Math.round(batches * config.batchSize() / sec), left / 60, String.format("%02d", left % 60));
                lastLine = now;
            }
        }
        return new EpochStats(generatorSteps == 0 ? Double.NaN : lossSum / generatorSteps, criticSteps, generatorSteps);
    }

    private static WorkerResult work(HadoopFiles files, CompressionConfig config, int epoch, byte[] generator, byte[] criticBytes, Share share)
            throws IOException {
        TaskDevice.bind();
        OneDnn.enable();
        ComputationGraph net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(generator), true);
        TrainingRun run = TrainingRun.of(config, net, CriticGraph.fromBytes(criticBytes), null);
        run.beginEpoch(epoch);
        CompactMultiDataSetLoader loader = new CompactMultiDataSetLoader(true);
        double loss = 0;
        long critic = 0, gen = 0;
        for (int j = 0; j < share.paths().size(); j++) {
            String p = share.paths().get(j);
            MultiDataSet mds;
            try (var in = files.open(p)) {
                mds = loader.load(new BytesSource(p, in.readAllBytes()));
            }
            long index = share.firstIndex() + j;
            double l = run.steps().step(epoch, index, mds.getFeatures(0), mds.getLabels(1));
            if (Schedule.isCriticStep(index)) {
                critic++;
            } else {
                gen++;
                loss += l;
                if (!Double.isFinite(loss)) break;
            }
        }
        return new WorkerResult(bytes(net), run.critic().toBytes(), loss, critic, gen);
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

    /** A minibatch already read into memory, as the loaders' Source. */
    private record BytesSource(String path, byte[] bytes) implements Source {
        @Override public InputStream getInputStream() { return new ByteArrayInputStream(bytes); }
        @Override public String getPath() { return path; }
    }
}
