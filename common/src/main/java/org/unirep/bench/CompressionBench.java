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
        }
        out.println("(ND4J backend " + Nd4j.getBackend().getClass().getSimpleName() + "; the RDP step is not in this bench yet)");
        return figures;
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
