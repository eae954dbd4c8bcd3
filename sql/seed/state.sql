-- The seeder's bookkeeping, in the workbench's own schema (outside the fingerprint):
--   seed_run:      the one run this database holds (profile, scale, seed) and whether it finished;
--   seed_tenants:  tenants whose rows are committed (written in the same transaction as the rows,
--                  so a tenant is either fully there or not at all);
--   seed_deferred: constraints and indexes dropped for the bulk load, with the DDL that restores
--                  them; rows are removed as each is restored, so an interrupted run can finish.
CREATE SCHEMA IF NOT EXISTS _workbench;
CREATE TABLE IF NOT EXISTS _workbench.seed_run (
    id int PRIMARY KEY CHECK (id = 1),
    profile text NOT NULL,
    scale double precision NOT NULL,
    seed bigint NOT NULL,
    anomalies jsonb,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    report jsonb
);
CREATE TABLE IF NOT EXISTS _workbench.seed_tenants (
    tenant int PRIMARY KEY,
    rows jsonb NOT NULL,
    done_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS _workbench.seed_deferred (
    step int NOT NULL,
    kind text NOT NULL,
    table_name text NOT NULL,
    name text NOT NULL,
    ddl text NOT NULL,
    PRIMARY KEY (table_name, name)
);
