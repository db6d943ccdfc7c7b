-- curves: one row per (sweep, dataset, rate, mode, kind, lambda), the same numbers as `unirep report`'s curves table.
-- Each ok run's metrics are already its last-3-epoch test means; this averages them over seeds, with the spread.
-- Stage 1's encoder models are end-to-end models trained data-parallel: they get their own kind, shared_encoder.
-- One trained on one worker is also the end-to-end model at its lambda (trained exactly as alone, so the sweep
-- does not train that point twice): it counts as that point too, unless a stage-2 run of it exists (older sweeps).
-- A point counts by its newest attempt: an ok attempt superseded by a later row (its model found damaged) does not.
CREATE OR REPLACE TEMP VIEW curves AS
WITH ok AS (
  SELECT * FROM (SELECT *, max(attempt) OVER (PARTITION BY sweep_id, run_id) AS newest_attempt FROM runs)
  WHERE attempt = newest_attempt AND status = 'ok'),
pts AS (
  SELECT *, CASE WHEN stage = 'encoder' THEN 'shared_encoder' ELSE kind END AS curve_kind FROM ok
  UNION ALL
  SELECT e.*, 'end_to_end' AS curve_kind FROM ok e
  LEFT ANTI JOIN ok f
    ON f.stage = 'fanout' AND f.kind = 'end_to_end' AND f.sweep_id = e.sweep_id AND f.dataset = e.dataset
       AND f.rate_bits = e.rate_bits AND f.mode = e.mode AND f.lambda = e.lambda AND f.seed = e.seed
  WHERE e.stage = 'encoder' AND get_json_object(e.config, '$.workers') = '1')
SELECT sweep_id, dataset, rate_bits, mode,
       curve_kind AS kind,
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
       min_by(model_path, seed)            AS model_path,  -- the lowest seed's model: the report's reconstructions
       min_by(model_sha256, seed)          AS model_sha256 -- checked before the report draws it
FROM pts
GROUP BY sweep_id, dataset, rate_bits, mode, curve_kind, lambda
