-- The workbench's bookkeeping in a database it owns: which schema units were applied, and
-- key/value facts about the database (its variant, ...).
CREATE SCHEMA IF NOT EXISTS _workbench;
CREATE TABLE IF NOT EXISTS _workbench.applied_units (
    unit text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS _workbench.meta (key text PRIMARY KEY, value text NOT NULL);
