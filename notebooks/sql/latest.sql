-- latest: the newest attempt of every point of every sweep (a failed point retried later has several rows in
-- runs), with the number of attempts it took.
CREATE OR REPLACE TEMP VIEW latest AS
SELECT * FROM (
  SELECT *, count(*) OVER w AS attempts, max(attempt) OVER w AS last_attempt
  FROM runs WINDOW w AS (PARTITION BY sweep_id, run_id))
WHERE attempt = last_attempt
