package org.unirep.jobs.report;

import static org.unirep.jobs.report.CurvePoint.num;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * The distortion penalty of one universal point (REFERENCE.md), a row of the {@code penalties} view
 * ({@code notebooks/sql/penalties.sql}): its MSE minus the end-to-end curve's MSE at the same
 * classification (rdc: CE) / perception (rdp: W1) level, by linear interpolation between the two
 * nearest end-to-end points (NaN outside the curve's range), and minus the end-to-end model's MSE at
 * the same lambda (NaN if the grid has no such model). Beside it, the quality of the encoder it
 * used: the shared encoder's own MSE minus the end-to-end model's at the encoder's lambda
 * ({@code encoderGap}; NaN without either), so a reader can tell the paper's effect from an artefact of
 * stage 1's data-parallel training.
 */
public record Penalty(String sweepId, String dataset, double rateBits, String mode, double lambda, double encoderLambda,
                      double level, double mse, double e2eMseAtLevel, double penaltyAtLevel, double e2eMseAtLambda,
                      double penaltyAtLambda, double e2eLevelAtLambda, double encoderMse, double e2eMseAtEncoderLambda,
                      double encoderGap) implements Serializable {

    /** A row of the penalties view, read by column name. */
    public static Penalty of(Row r) {
        return new Penalty(r.getAs("sweep_id"), r.getAs("dataset"), num(r, "rate_bits"), r.getAs("mode"), num(r, "lambda"),
                num(r, "encoder_lambda"), num(r, "level"), num(r, "mse"), num(r, "e2e_mse_at_level"), num(r, "penalty_at_level"),
                num(r, "e2e_mse_at_lambda"), num(r, "penalty_at_lambda"), num(r, "e2e_level_at_lambda"), num(r, "encoder_mse"),
                num(r, "e2e_mse_at_encoder_lambda"), num(r, "encoder_gap"));
    }
}
