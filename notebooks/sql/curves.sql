-- curves: one row per (sweep, dataset, rate, mode, kind, lambda), the same numbers as `unirep report`'s curves table.
-- Each ok run's metrics are already its last-3-epoch test means; this averages them over seeds, with the spread.
-- Stage 1's encoder models are end-to-end models trained data-parallel: they get their own kind, shared_encoder.
CREATE OR REPLACE TEMP VIEW curves AS
SELECT sweep_id, dataset, rate_bits, mode,
       CASE WHEN stage = 'encoder' THEN 'shared_encoder' ELSE kind END AS kind,
       lambda,
       first(encoder_lambda)               AS encoder_lambda,
       CAST(count(DISTINCT seed) AS INT)   AS seeds,
       avg(mse)                            AS mse,
       coalesce(stddev_pop(mse), 0D)       AS mse_std,
       avg(ce)                             AS ce,
       coalesce(stddev_pop(ce), 0D)        AS ce_std,
       avg(accuracy)                       AS accuracy,
       coalesce(stddev_pop(accuracy), 0D)  AS accuracy_std,
       avg(w1)                             AS w1,
       coalesce(stddev_pop(w1), 0D)        AS w1_std,
       min_by(model_path, seed)            AS model_path   -- the lowest seed's model: the report's reconstructions
FROM runs
WHERE status = 'ok'
GROUP BY sweep_id, dataset, rate_bits, mode, CASE WHEN stage = 'encoder' THEN 'shared_encoder' ELSE kind END, lambda
