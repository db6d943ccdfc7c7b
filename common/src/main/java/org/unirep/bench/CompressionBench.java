package org.unirep.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.unirep.classifier.ClassifierConfig;
import org.unirep.classifier.ClassifierNet;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.data.DatasetName;
import org.unirep.data.LabeledImages;
import org.unirep.data.Split;
import org.unirep.training.Evaluation;
import org.unirep.training.TrainingRun;

/**
 * Throughput of the reference training loop on this machine, as it runs in a real epoch: {@code
 * batches} minibatches of 64 through {@link org.unirep.training.Steps#step} (critic step on even,
 * generator step on odd indices), for RDC and RDP at (3,3), and the per-epoch test evaluation
 * (batches of 500: reconstruction, classifier, critic). Figures are images/s and the seconds an
 * epoch of 60,000 training (10,000 test) images takes at that rate. Inputs are random pixels
 * (the cost does not depend on the content). {@code bench/pytorch_twin.py} prints the same lines
 * for the reference code's loop.
 */
public final class CompressionBench {
    public static final int TRAIN_IMAGES = 60_000, TEST_IMAGES = 10_000, BATCH = 64;

    private CompressionBench() {}

    public record Figure(String what, int threads, int batch, double imagesPerSecond) {
        public double epochSeconds() {
            return (what.startsWith("evaluation") ? TEST_IMAGES : TRAIN_IMAGES) / imagesPerSecond;
        }
    }

    public static final String HEADER = String.format("%-30s %7s %6s %10s %10s", "what", "threads", "batch", "images/s", "s/epoch");

    public static List<Figure> run(List<Integer> threadCounts, int warmup, int batches, PrintStream out) {
        List<Figure> figures = new ArrayList<>();
        out.println(HEADER);
        MultiLayerNetwork classifier = ClassifierNet.create(ClassifierConfig.reference());
        for (int threads : threadCounts) {
            setThreads(threads);
            for (Mode mode : Mode.values()) {
                TrainingRun run = TrainingRun.endToEnd(CompressionConfig.reference(mode, 3, 3, 0.01, 1), classifier);
                run.beginEpoch(0);
                Nd4j.getRandom().setSeed(1);
                INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, DatasetName.PIXELS);
                INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, DatasetName.CLASSES);
                y.getColumn(3).assign(1);
                for (int i = 0; i < warmup; i++) run.steps().step(0, i, x, y);
                long t = System.nanoTime();
                for (int i = 0; i < batches; i++) run.steps().step(0, warmup + i, x, y);
                figures.add(print(out, new Figure("train " + mode.id() + " (critic+generator)", threads, BATCH,
                        (double) BATCH * batches / ((System.nanoTime() - t) / 1e9))));
                if (mode == Mode.RDC) figures.add(print(out, evaluation(run, threads, Math.max(2, batches / 8))));
            }
        }
        out.println("(ND4J backend " + Nd4j.getBackend().getClass().getSimpleName() + "; " + batches
                + " minibatches per training figure, even = critic step, odd = generator step, as in the reference loop)");
        return figures;
    }

    private static Figure evaluation(TrainingRun run, int threads, int batches) {
        int n = Evaluation.BATCH * batches;
        byte[] px = new byte[n * DatasetName.PIXELS];
        new SplittableRandom(1).nextBytes(px);
        LabeledImages test = new LabeledImages(Split.TEST, DatasetName.ROWS, DatasetName.COLS, px, new byte[n]);
        Evaluation.evaluate(run.net(), test.head(Evaluation.BATCH), 1, run.critic(), null, run.seeds());
        long t = System.nanoTime();
        Evaluation.evaluate(run.net(), test, 1, run.critic(), null, run.seeds());
        return new Figure("evaluation rdc", threads, Evaluation.BATCH, n / ((System.nanoTime() - t) / 1e9));
    }

    private static Figure print(PrintStream out, Figure f) {
        out.println(line(f));
        return f;
    }

    public static String line(Figure f) {
        return String.format("%-30s %7d %6d %10.1f %10.1f", f.what(), f.threads(), f.batch(), f.imagesPerSecond(), f.epochSeconds());
    }

    public static void setThreads(int n) {
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
    }
}
