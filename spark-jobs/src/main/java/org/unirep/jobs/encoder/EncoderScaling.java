package org.unirep.jobs.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.EpochMetrics;
import org.unirep.compression.Mode;
import org.unirep.data.LabeledImages;
import org.unirep.spark.BroadcastImages;
import org.unirep.training.EpochFitter;
import org.unirep.training.LocalEpochFitter;
import org.unirep.training.ModelRunner;
import org.unirep.training.RunStatus;
import org.unirep.training.TrainingRun;

/**
 * Does parameter averaging make the shared encoder worse? One stage-1 point (end to end at the
 * encoder lambda) trained alone in this thread, then by stage 1's averaging on W workers for each
 * W and averaging frequency, same seed, same epochs; the test metrics side by side with wall times.
 */
public final class EncoderScaling {
    private static final Logger log = LoggerFactory.getLogger(EncoderScaling.class);

    private EncoderScaling() {}

    /**
     * @param workers     0 stands for "alone" (local training, no Spark)
     * @param mseVsAlone  test MSE relative to the point trained alone, in percent (metrics: the reported ones,
     *                    {@link EpochMetrics#reported})
     */
    public record Row(Mode mode, int workers, int frequency, int epochs, int trainImages, RunStatus status, double mse, double ce,
                      double accuracy, double w1, double seconds, double mseVsAlone) {
        public static final String CSV_HEADER = "mode,workers,averaging_frequency,epochs,train_images,status,mse,ce,accuracy,w1,seconds,mse_vs_alone_pct";

        public String csv() {
            return String.join(",", mode.id(), workers == 0 ? "alone" : String.valueOf(workers), workers == 0 ? "" : String.valueOf(frequency),
                    String.valueOf(epochs), String.valueOf(trainImages), status.id(), num(mse), num(ce), num(accuracy), num(w1),
                    String.format(Locale.ROOT, "%.1f", seconds), workers == 0 ? "" : String.format(Locale.ROOT, "%+.2f", mseVsAlone));
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
        }
    }

    /** For each mode: alone, then every (workers, frequency). */
    public static List<Row> entryPoint(SparkSession spark, List<CompressionConfig> configs, List<Integer> workers, List<Integer> frequencies,
                                       LabeledImages train, LabeledImages test, MultiLayerNetwork classifier) throws java.io.IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<LabeledImages> data = jsc.broadcast(train);
        List<Row> rows = new ArrayList<>();
        try {
            for (CompressionConfig c : configs) {
                Row alone = row(c, 0, 0, train.count(), new LocalEpochFitter(train), test, classifier, Double.NaN);
                rows.add(alone);
                for (int w : workers) {
                    for (int f : frequencies) {
                        String what = "encoder scaling " + c.mode().id() + " W=" + w + " f=" + f;
                        rows.add(row(c, w, f, train.count(), new AveragingEpochFitter(jsc, new BroadcastImages(data), null, w, f, what), test, classifier, alone.mse()));
                    }
                }
            }
        } finally {
            data.destroy();
        }
        return rows;
    }

    private static Row row(CompressionConfig c, int workers, int frequency, int images, EpochFitter fitter, LabeledImages test,
                           MultiLayerNetwork classifier, double aloneMse) throws java.io.IOException {
        log.info("encoder scaling: {} {}", c.mode().id(), workers == 0 ? "alone" : workers + " workers, averaging every " + frequency);
        long t0 = System.nanoTime();
        MultiLayerNetwork clf = classifier == null ? null : classifier.clone();
        ModelRunner.Outcome o = ModelRunner.of(c, clf, () -> TrainingRun.endToEnd(c, clf))
                .named(c.mode().id() + (workers == 0 ? " alone" : " W=" + workers + " f=" + frequency)).train(fitter, test);
        double sec = (System.nanoTime() - t0) / 1e9;
        EpochMetrics m = o.reported();
        double mse = m.mse();
        return new Row(c.mode(), workers, frequency, c.epochs(), images, o.status(), mse, m.ce(), m.accuracy(), m.w1(), sec,
                100 * (mse / aloneMse - 1));
    }
}
