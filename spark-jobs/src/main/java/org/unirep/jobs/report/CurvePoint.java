package org.unirep.jobs.report;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One point of a trade-off curve, a row of the {@code curves} view ({@code notebooks/sql/curves.sql}):
 * the ok runs of one (sweep, dataset, rate, mode, kind, lambda), averaged over seeds (each run's
 * metrics are already the mean of its last min(3, epochs) test epochs). *_std are the standard
 * deviations over seeds (0 for one seed). Units as in the runs table; NaN where not measured.
 * {@code modelPath}: the saved model of the point's lowest seed (null if none), {@code modelSha256} its model.zip's
 * SHA-256 as its runs row recorded it (null in older rows).
 */
public record CurvePoint(String sweepId, String dataset, double rateBits, String mode, String kind, double lambda,
                         double encoderLambda, int seeds, double mse, double mseStd, double ce, double ceStd,
                         double accuracy, double accuracyStd, double w1, double w1Std, String modelPath, String modelSha256)
        implements Serializable {

    /** A point whose model's SHA-256 is not known (rows written before the column existed). */
    public CurvePoint(String sweepId, String dataset, double rateBits, String mode, String kind, double lambda, double encoderLambda,
                      int seeds, double mse, double mseStd, double ce, double ceStd, double accuracy, double accuracyStd, double w1,
                      double w1Std, String modelPath) {
        this(sweepId, dataset, rateBits, mode, kind, lambda, encoderLambda, seeds, mse, mseStd, ce, ceStd, accuracy, accuracyStd, w1, w1Std,
                modelPath, null);
    }

    public static final String END_TO_END = "end_to_end", UNIVERSAL = "universal", SHARED_ENCODER = "shared_encoder";

    /** The classification (rdc: CE) or perception (rdp: W1) level of this point. */
    public double level() { return "rdp".equals(mode) ? w1 : ce; }

    public boolean universal() { return UNIVERSAL.equals(kind); }

    /** A row of the curves view, read by column name. */
    public static CurvePoint of(Row r) {
        return new CurvePoint(r.getAs("sweep_id"), r.getAs("dataset"), num(r, "rate_bits"), r.getAs("mode"), r.getAs("kind"),
                num(r, "lambda"), num(r, "encoder_lambda"), r.<Integer>getAs("seeds"), num(r, "mse"), num(r, "mse_std"), num(r, "ce"),
                num(r, "ce_std"), num(r, "accuracy"), num(r, "accuracy_std"), num(r, "w1"), num(r, "w1_std"), r.getAs("model_path"),
                r.getAs("model_sha256"));
    }

    /** Every row of a curves table or view. */
    public static List<CurvePoint> all(Dataset<Row> curves) {
        return curves.collectAsList().stream().map(CurvePoint::of).toList();
    }

    /** A nullable double column: null (not measured) as NaN. */
    static double num(Row r, String column) {
        int i = r.fieldIndex(column);
        return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
    }
}
