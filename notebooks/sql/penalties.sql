-- penalties: for each universal point, its extra distortion against the end-to-end curve of the same sweep,
-- dataset, rate and mode (needs the curves view). level = CE in nats (rdc) or W1 (rdp).
--   penalty_at_level:  mse minus the end-to-end curve's MSE at the same level, by linear interpolation between
--                      the end-to-end points just below and just above it (null outside the curve's range)
--   penalty_at_lambda: mse minus the MSE of the end-to-end model at the same lambda (null if the grid has none)
--   encoder_gap:       the shared encoder's own MSE (stage 1, trained data-parallel) minus the end-to-end model's at
--                      the encoder's lambda (null if the grid has none): how much the averaging, not the paper's
--                      effect, costs; read a penalty next to it
-- End-to-end points without a level (null or NaN) are not on the curve. A point at exactly a universal point's
-- level is both its neighbour below and above (the curve's MSE there). Several end-to-end points at one level
-- count as one, the lowest MSE among them: the curve's best model at that level.
-- Every step is linear in rows (or n log n: sorts): window frames that grow row by row, and joins on equal keys
-- only. A frame up to UNBOUNDED FOLLOWING would be recomputed for every row in Spark (quadratic), so the
-- neighbour above is read in descending order instead.
CREATE OR REPLACE TEMP VIEW penalties AS
WITH pts AS (
  SELECT *, CASE WHEN mode = 'rdp' THEN w1 ELSE ce END AS level
  FROM curves WHERE kind IN ('end_to_end', 'universal')),
e2e AS (SELECT * FROM pts WHERE kind = 'end_to_end' AND level IS NOT NULL AND NOT isnan(level)),
uni AS (SELECT * FROM pts WHERE kind = 'universal'),
enc AS (
  SELECT e.sweep_id, e.dataset, e.rate_bits, e.mode, e.lambda AS encoder_lambda, e.mse AS encoder_mse,
         s.mse AS e2e_mse_at_encoder_lambda
  FROM curves e LEFT JOIN curves s
    ON s.kind = 'end_to_end' AND s.sweep_id = e.sweep_id AND s.dataset = e.dataset AND s.rate_bits = e.rate_bits
       AND s.mode = e.mode AND s.lambda = e.lambda
  WHERE e.kind = 'shared_encoder'),
-- The curve's points, one per level (ties: min ignores nulls and sorts NaN last, so the lowest known MSE).
curve AS (
  SELECT sweep_id, dataset, rate_bits, mode, level, min(mse) AS mse
  FROM e2e GROUP BY sweep_id, dataset, rate_bits, mode, level),
-- The universal points to read a curve at and the curve's points, in one sequence per curve; pt is null on the
-- former. A universal point without a level is left out: it gets no e2e_mse_at_level (nor did it before).
-- (Universal points first: were the frames below ROWS, not RANGE, a curve point at the same level would be missed,
-- and the tests would say so.)
line AS (
  SELECT sweep_id, dataset, rate_bits, mode, lambda, level, CAST(NULL AS STRUCT<level: DOUBLE, mse: DOUBLE>) AS pt
  FROM uni WHERE level IS NOT NULL AND NOT isnan(level)
  UNION ALL
  SELECT sweep_id, dataset, rate_bits, mode, CAST(NULL AS DOUBLE) AS lambda, level, named_struct('level', level, 'mse', mse) AS pt
  FROM curve),
-- The curve's point at the highest level <= each row's (lo) and at the lowest level >= it (hi). RANGE frames end at
-- the current row's peers, so a curve point at the same level is in both; levels are unique per curve, so max/min
-- pick exactly one point.
near AS (
  SELECT sweep_id, dataset, rate_bits, mode, lambda, level, pt,
         max(pt) OVER (PARTITION BY sweep_id, dataset, rate_bits, mode ORDER BY level ASC
                       RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS lo,
         min(pt) OVER (PARTITION BY sweep_id, dataset, rate_bits, mode ORDER BY level DESC
                       RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS hi
  FROM line),
-- Null outside the curve's range (no lo or no hi), as the arithmetic on a null gives.
at_level AS (
  SELECT sweep_id, dataset, rate_bits, mode, lambda,
         CASE WHEN hi.level = lo.level THEN lo.mse
              ELSE lo.mse + (level - lo.level) / (hi.level - lo.level) * (hi.mse - lo.mse) END AS e2e_mse_at_level
  FROM near WHERE pt IS NULL)
SELECT u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda, u.encoder_lambda, u.level, u.mse,
       a.e2e_mse_at_level,
       u.mse - a.e2e_mse_at_level AS penalty_at_level,
       s.mse                      AS e2e_mse_at_lambda,
       u.mse - s.mse              AS penalty_at_lambda,
       s.level                    AS e2e_level_at_lambda,
       n.encoder_mse,
       n.e2e_mse_at_encoder_lambda,
       n.encoder_mse - n.e2e_mse_at_encoder_lambda AS encoder_gap
FROM uni u
LEFT JOIN at_level a USING (sweep_id, dataset, rate_bits, mode, lambda)
LEFT JOIN e2e s USING (sweep_id, dataset, rate_bits, mode, lambda)
LEFT JOIN enc n ON n.sweep_id = u.sweep_id AND n.dataset = u.dataset AND n.rate_bits = u.rate_bits AND n.mode = u.mode
                   AND n.encoder_lambda = u.encoder_lambda
