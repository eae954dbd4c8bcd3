-- Constraints and indexes the seeder drops before a bulk load and recreates afterwards, with
-- the exact statements that recreate them (restore order: keys, indexes, foreign keys).
-- Only ordinary, unpartitioned tables of schema public take part: partitioned tables keep
-- theirs (their per-partition indexes would need ATTACH PARTITION to restore exactly), and a
-- key that a kept foreign key depends on stays too.
WITH plain AS (
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS qname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition
),
fks AS (
    SELECT con.oid, con.conrelid, con.conindid, con.conname, plain.qname
    FROM pg_constraint con JOIN plain ON plain.oid = con.conrelid
    WHERE con.contype = 'f' AND con.confrelid IN (SELECT oid FROM plain)
),
kept_fk_indexes AS (
    SELECT con.conindid FROM pg_constraint con
    WHERE con.contype = 'f' AND con.oid NOT IN (SELECT oid FROM fks)
),
keys AS (
    SELECT con.oid, con.conindid, con.conname, plain.qname
    FROM pg_constraint con JOIN plain ON plain.oid = con.conrelid
    WHERE con.contype IN ('p', 'u', 'x')
      AND con.conindid NOT IN (SELECT conindid FROM kept_fk_indexes)
)
SELECT 1 AS step, 'key' AS kind, qname AS table_name, conname AS name,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', qname, conname, pg_get_constraintdef(oid)) AS ddl
FROM keys
UNION ALL
SELECT 2, 'index', plain.qname, i.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN plain ON plain.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT 3, 'fk', qname, conname,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', qname, conname, pg_get_constraintdef(oid))
FROM fks
ORDER BY 1, 3, 4
