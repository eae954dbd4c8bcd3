-- The one bookkeeping row of a catalog seed: which profile, scale and seed made the rows
-- (``--resume`` must be given the same three).
INSERT INTO _workbench.seed_run (id, profile, scale, seed)
VALUES (1, %s, %s, %s)
