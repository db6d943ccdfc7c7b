-- penalties: for each universal point, its extra distortion against the end-to-end curve of the same sweep,
-- dataset, rate and mode (needs the curves view). level = CE in nats (rdc) or W1 (rdp).
--   penalty_at_level:  mse minus the end-to-end curve's MSE at the same level, by linear interpolation between
--                      the end-to-end points just below and just above it (null outside the curve's range)
--   penalty_at_lambda: mse minus the MSE of the end-to-end model at the same lambda (null if the grid has none)
--   encoder_gap:       the shared encoder's own MSE (stage 1, trained data-parallel) minus the end-to-end model's at
--                      the encoder's lambda (null if the grid has none): how much the averaging, not the paper's
--                      effect, costs; read a penalty next to it
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
lo AS (
  SELECT u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda, max(e.level) AS lo_level, max_by(e.mse, e.level) AS lo_mse
  FROM uni u JOIN e2e e USING (sweep_id, dataset, rate_bits, mode)
  WHERE e.level <= u.level
  GROUP BY u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda),
hi AS (
  SELECT u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda, min(e.level) AS hi_level, min_by(e.mse, e.level) AS hi_mse
  FROM uni u JOIN e2e e USING (sweep_id, dataset, rate_bits, mode)
  WHERE e.level >= u.level
  GROUP BY u.sweep_id, u.dataset, u.rate_bits, u.mode, u.lambda),
at_level AS (
  SELECT sweep_id, dataset, rate_bits, mode, lambda,
         CASE WHEN hi_level = lo_level THEN lo_mse
              ELSE lo_mse + (u.level - lo_level) / (hi_level - lo_level) * (hi_mse - lo_mse) END AS e2e_mse_at_level
  FROM uni u JOIN lo USING (sweep_id, dataset, rate_bits, mode, lambda) JOIN hi USING (sweep_id, dataset, rate_bits, mode, lambda))
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
