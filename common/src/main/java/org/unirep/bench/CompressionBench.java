package org.unirep.bench;

import java.io.PrintStream;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierNet;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.CompressionModel;
import org.unirep.compression.Objective;
import org.unirep.data.DatasetName;

/**
 * Throughput of the reference models on this machine: images/s of one end-to-end training step
 * (forward, backward, Adam) at batch 64 and of evaluation (inference) at batch 500, for each
 * thread count asked. Inputs are random pixels: the cost does not depend on the content.
 */
public final class CompressionBench {
    private CompressionBench() {}

    public record Figure(String what, int threads, int batch, double imagesPerSecond) {}

    public static List<Figure> run(List<Integer> threadCounts, int warmupSteps, int steps, PrintStream out) {
        java.util.ArrayList<Figure> figures = new java.util.ArrayList<>();
        out.printf("%-28s %7s %6s %12s%n", "what", "threads", "batch", "images/s");
        for (int threads : threadCounts) {
            setThreads(threads);
            for (Objective mode : new Objective[] {Objective.RDC}) {
                ComputationGraph net = CompressionModel.create(CompressionConfig.reference(mode, 3, 3, 0.01, 1),
                        ClassifierNet.create(ClassifierConfig.reference()), false);
                Nd4j.getRandom().setSeed(1);
                INDArray x = Nd4j.rand(DataType.FLOAT, 64, DatasetName.PIXELS);
                INDArray y = Nd4j.zeros(DataType.FLOAT, 64, DatasetName.CLASSES);
                y.getColumn(3).assign(1);
                MultiDataSet mds = new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, y});
                for (int i = 0; i < warmupSteps; i++) net.fit(mds);
                long t = System.nanoTime();
                for (int i = 0; i < steps; i++) net.fit(mds);
                figures.add(print(out, new Figure("train step " + mode.id() + " (end-to-end)", threads, 64, 64.0 * steps / ((System.nanoTime() - t) / 1e9))));

                INDArray xe = Nd4j.rand(DataType.FLOAT, 500, DatasetName.PIXELS);
                net.output(false, xe);
                int evalBatches = Math.max(2, steps / 8);
                t = System.nanoTime();
                for (int i = 0; i < evalBatches; i++) net.output(false, xe);
                figures.add(print(out, new Figure("evaluation " + mode.id(), threads, 500, 500.0 * evalBatches / ((System.nanoTime() - t) / 1e9))));
            }
            figures.add(print(out, new Figure("train step rdp (end-to-end)", threads, 64, rdpStep(warmupSteps, Math.max(3, steps / 3)))));
        }
        out.println("(ND4J backend " + Nd4j.getBackend().getClass().getSimpleName() + "; an rdp step = one WGAN-GP critic step + one generator step)");
        return figures;
    }

    /** Images/s of the RDP step as CompressionTrainer runs it: reconstruct, critic step, copy weights, generator step. */
    private static double rdpStep(int warmup, int steps) {
        ComputationGraph net = CompressionModel.create(CompressionConfig.reference(Objective.RDP, 3, 3, 0.01, 1), null, false);
        org.unirep.compression.CriticGraph critic = org.unirep.compression.CriticGraph.reference(2).trainWith(2e-4, 0.5, 0.9);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, DatasetName.PIXELS);
        INDArray eps = Nd4j.rand(DataType.FLOAT, 64, 1, 1, 1);
        MultiDataSet mds = new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, Nd4j.zeros(DataType.FLOAT, 64, 1)});
        Runnable step = () -> {
            INDArray xhat = net.output(true, x)[0];
            critic.fitStep(x.reshape(64, 1, 28, 28), xhat.reshape(64, 1, 28, 28), eps);
            CompressionModel.loadCritic(net, critic);
            net.fit(mds);
        };
        for (int i = 0; i < Math.max(1, warmup / 2); i++) step.run();
        long t = System.nanoTime();
        for (int i = 0; i < steps; i++) step.run();
        return 64.0 * steps / ((System.nanoTime() - t) / 1e9);
    }

    private static Figure print(PrintStream out, Figure f) {
        out.printf("%-28s %7d %6d %12.1f%n", f.what(), f.threads(), f.batch(), f.imagesPerSecond());
        return f;
    }

    private static void setThreads(int n) {
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
    }
}
