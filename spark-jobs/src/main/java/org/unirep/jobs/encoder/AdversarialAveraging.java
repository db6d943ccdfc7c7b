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
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.CompressionTrainer;
import org.unirep.compression.CriticGraph;
import org.unirep.data.CompactMultiDataSetLoader;
import org.unirep.io.HadoopFiles;
import org.unirep.spark.TaskDevice;

/**
 * Parameter averaging for RDP, whose critic is a SameDiff graph that DL4J's training master cannot
 * carry. The same scheme, for both networks: each round the driver ships the generator (weights +
 * Adam state) and the critic (weights + Adam state) to {@code workers} tasks; each trains on its
 * own {@code averagingFrequency} minibatches with the alternating critic/generator steps; the
 * driver then sets both networks' weights and Adam moments to the workers' means and continues
 * Adam's step count. The generator's frozen critic copy is refreshed from the averaged critic.
 */
final class AdversarialAveraging {
    private AdversarialAveraging() {}

    record WorkerResult(byte[] generator, byte[] critic, double lossSum, int batches) implements Serializable {}

    /** One pass over {@code paths}; returns the mean generator loss (NaN/inf if it diverged). */
    static double epoch(JavaSparkContext jsc, HadoopFiles files, ComputationGraph net, CriticGraph critic, List<String> paths,
                        int workers, int frequency, long seed, String description) throws IOException {
        double lossSum = 0;
        int batches = 0;
        int perRound = workers * frequency;
        for (int from = 0, round = 0; from < paths.size(); from += perRound, round++) {
            List<List<String>> groups = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int a = from + w * frequency, b = Math.min(paths.size(), a + frequency);
                if (a < b) groups.add(new ArrayList<>(paths.subList(a, b)));
            }
            Broadcast<byte[]> gen = jsc.broadcast(bytes(net));
            Broadcast<byte[]> crit = jsc.broadcast(critic.toBytes());
            jsc.setJobDescription(description + " round " + (round + 1) + "/" + ((paths.size() + perRound - 1) / perRound));
            long roundSeed = seed * 1_000_003L + round;
            List<WorkerResult> results = jsc.parallelize(indices(groups.size()), groups.size())
                    .map(w -> work(files, gen.value(), crit.value(), groups.get(w), roundSeed * 131 + w)).collect();
            gen.destroy();
            crit.destroy();
            List<ComputationGraph> nets = new ArrayList<>();
            List<CriticGraph> critics = new ArrayList<>();
            for (WorkerResult r : results) {
                nets.add(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(r.generator()), true));
                critics.add(CriticGraph.fromBytes(r.critic()));
                lossSum += r.lossSum();
                batches += r.batches();
            }
            average(net, nets);
            critic.averageFrom(critics);
            CompressionModel.loadCritic(net, critic);
            if (!Double.isFinite(lossSum)) return lossSum;
        }
        return lossSum / batches;
    }

    private static List<Integer> indices(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(i);
        return l;
    }

    private static WorkerResult work(HadoopFiles files, byte[] generator, byte[] criticBytes, List<String> paths, long seed)
            throws IOException {
        TaskDevice.bind();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed); // the critic's interpolation weights
        ComputationGraph net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(generator), true);
        CriticGraph critic = CriticGraph.fromBytes(criticBytes);
        CompactMultiDataSetLoader loader = new CompactMultiDataSetLoader(false);
        double loss = 0;
        for (String p : paths) {
            MultiDataSet mds;
            try (var in = files.open(p)) {
                mds = loader.load(new BytesSource(p, in.readAllBytes()));
            }
            loss += CompressionTrainer.fitBatch(net, critic, mds.getFeatures(0), null);
            if (!Double.isFinite(loss)) break;
        }
        return new WorkerResult(bytes(net), critic.toBytes(), loss, paths.size());
    }

    /** Weights, BatchNorm statistics and Adam state: the workers' means; the step count goes on. */
    private static void average(ComputationGraph net, List<ComputationGraph> workers) {
        INDArray params = workers.get(0).params().dup();
        INDArray state = workers.get(0).getUpdater().getStateViewArray().dup();
        for (int i = 1; i < workers.size(); i++) {
            params.addi(workers.get(i).params());
            state.addi(workers.get(i).getUpdater().getStateViewArray());
        }
        net.setParams(params.divi(workers.size()));
        net.getUpdater().getStateViewArray().assign(state.divi(workers.size()));
        net.getConfiguration().setIterationCount(workers.get(0).getConfiguration().getIterationCount());
    }

    private static byte[] bytes(ComputationGraph net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        return out.toByteArray();
    }

    /** A minibatch already read into memory, as the loaders' Source. */
    private record BytesSource(String path, byte[] bytes) implements org.nd4j.common.loader.Source {
        @Override public java.io.InputStream getInputStream() { return new ByteArrayInputStream(bytes); }
        @Override public String getPath() { return path; }
    }

}
