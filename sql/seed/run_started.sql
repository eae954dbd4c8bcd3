-- The one bookkeeping row of a seed: which profile, scale and seed made the rows (``--resume``
-- must be given the same three) and the anomalies asked for.
INSERT INTO _workbench.seed_run (id, profile, scale, seed, anomalies)
VALUES (1, %s, %s, %s, %s)
