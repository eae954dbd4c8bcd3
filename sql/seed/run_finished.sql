-- A seed ran to its end: when, and its report (JSON), in the run's bookkeeping row.
UPDATE _workbench.seed_run
SET finished_at = clock_timestamp(), report = %s
