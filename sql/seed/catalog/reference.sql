-- Tables that held rows before the catalog-driven seeder first ran (lookup rows a migration
-- inserted, say): kept as they are, and foreign keys of seeded rows point at them. Recorded on
-- the first seed, because after it every table holds rows (see workbench/seed/plan.py).
CREATE SCHEMA IF NOT EXISTS _workbench;
CREATE TABLE IF NOT EXISTS _workbench.seed_reference (
    table_name text PRIMARY KEY
);
