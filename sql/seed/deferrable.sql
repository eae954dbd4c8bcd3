-- Constraints and indexes the seeder drops before a bulk load and recreates afterwards, with
-- the exact statements that recreate them, in restore steps:
--   1 parent: a partitioned table's key or index on the parent alone (ON ONLY: no data read);
--   2 key:    keys of ordinary tables and of each partition;
--   3 index:  indexes of ordinary tables and of each partition;
--   4 attach: each partition's key or index attached to its parent's (which then turns valid);
--   5 fk:     foreign keys between ordinary tables.
-- drop_ddl is the statement that drops the object before the load (NULL where dropping the
-- parent's index drops the partition's too). Names are recorded, not regenerated, so the
-- schema fingerprint is the same afterwards. Left in place: a key a kept foreign key depends
-- on, a key a view depends on (GROUP BY its primary key), foreign keys on or to partitioned
-- tables (their per-partition clones carry generated names), and partitioned tables whose
-- partitions are partitioned again. Only tables of the seeded schemas (the schemas parameter, a
-- text[] literal) are touched; foreign keys to tables outside them are kept.
WITH plain AS (
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS qname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY({schemas}) AND c.relkind = 'r' AND NOT c.relispartition
),
parted AS (  -- one level of partitions, all of them ordinary tables
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS qname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY({schemas}) AND c.relkind = 'p' AND NOT c.relispartition
      AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                      WHERE i.inhparent = c.oid AND p.relkind <> 'r')
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
      AND NOT EXISTS (SELECT 1 FROM pg_depend d  -- a view grouping by this key needs it
                      WHERE d.classid = 'pg_rewrite'::regclass
                        AND d.refclassid = 'pg_constraint'::regclass AND d.refobjid = con.oid)
),
parent_indexes AS (  -- indexes of partitioned tables, with the constraint they back if any
    SELECT x.indexrelid AS oid, parted.qname, i.relname AS name,
           format('%I.%I', n.nspname, i.relname) AS qindex, con.oid AS con_oid
    FROM pg_index x
    JOIN parted ON parted.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = i.relnamespace
    LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
    WHERE x.indexrelid NOT IN (SELECT conindid FROM kept_fk_indexes)
      AND NOT EXISTS (SELECT 1 FROM pg_inherits inh WHERE inh.inhparent = x.indexrelid
                      AND inh.inhrelid IN (SELECT conindid FROM kept_fk_indexes))
),
partition_indexes AS (  -- each partition's index attached to a parent index above
    SELECT p.oid AS parent_oid, p.qindex AS parent_qindex, p.con_oid IS NOT NULL AS is_key,
           ci.oid, ci.relname AS name, format('%I.%I', cn.nspname, ci.relname) AS qindex,
           format('%I.%I', tn.nspname, t.relname) AS qtable, ccon.oid AS con_oid,
           ccon.conname
    FROM parent_indexes p
    JOIN pg_inherits inh ON inh.inhparent = p.oid
    JOIN pg_class ci ON ci.oid = inh.inhrelid
    JOIN pg_namespace cn ON cn.oid = ci.relnamespace
    JOIN pg_index cx ON cx.indexrelid = ci.oid
    JOIN pg_class t ON t.oid = cx.indrelid
    JOIN pg_namespace tn ON tn.oid = t.relnamespace
    LEFT JOIN pg_constraint ccon ON ccon.conindid = ci.oid AND ccon.contype IN ('p', 'u', 'x')
)
SELECT 2 AS step, 'key' AS kind, qname AS table_name, conname AS name,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', qname, conname, pg_get_constraintdef(oid)) AS ddl,
       format('ALTER TABLE %s DROP CONSTRAINT %I', qname, conname) AS drop_ddl
FROM keys
UNION ALL
SELECT 3, 'index', plain.qname, i.relname, pg_get_indexdef(x.indexrelid),
       format('DROP INDEX %I.%I', n.nspname, i.relname)
FROM pg_index x JOIN plain ON plain.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT 1, 'parent', qname, name,
       CASE WHEN con_oid IS NULL THEN pg_get_indexdef(oid)  -- prints CREATE INDEX ... ON ONLY
            ELSE format('ALTER TABLE ONLY %s ADD CONSTRAINT %I %s', qname, name,
                        pg_get_constraintdef(con_oid)) END,
       CASE WHEN con_oid IS NULL THEN format('DROP INDEX %s', qindex)
            ELSE format('ALTER TABLE %s DROP CONSTRAINT %I', qname,
                        (SELECT conname FROM pg_constraint WHERE oid = con_oid)) END
FROM parent_indexes
UNION ALL
SELECT CASE WHEN is_key THEN 2 ELSE 3 END, CASE WHEN is_key THEN 'key' ELSE 'index' END,
       qtable, name,
       CASE WHEN is_key THEN format('ALTER TABLE %s ADD CONSTRAINT %I %s', qtable, conname,
                                    pg_get_constraintdef(con_oid))
            ELSE pg_get_indexdef(oid) END,
       NULL
FROM partition_indexes
UNION ALL
SELECT 4, 'attach', parent_qindex, qindex,
       format('ALTER INDEX %s ATTACH PARTITION %s', parent_qindex, qindex), NULL
FROM partition_indexes
UNION ALL
SELECT 5, 'fk', qname, conname,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', qname, conname, pg_get_constraintdef(oid)),
       format('ALTER TABLE %s DROP CONSTRAINT %I', qname, conname)
FROM fks
ORDER BY 1, 3, 4
