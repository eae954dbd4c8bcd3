-- The shape of the ids a source database's rows hold, per text key column, recorded in its
-- clone by `workbench clone --from` (only the shape, never a value) and read by the seed's plan
-- (workbench/seed/idformat.py): prefix + `length` characters of `alphabet` ('uuid' for a
-- canonical uuid body, 'chars' for exactly the characters in `chars`).
CREATE SCHEMA IF NOT EXISTS _workbench;
CREATE TABLE IF NOT EXISTS _workbench.seed_id_shapes (
    table_name text NOT NULL,
    column_name text NOT NULL,
    prefix text NOT NULL,
    alphabet text NOT NULL,
    chars text,
    length integer NOT NULL CHECK (length > 0),
    PRIMARY KEY (table_name, column_name)
);
