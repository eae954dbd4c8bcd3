-- Tables without a primary key.
-- severity: low
-- risks: RISK-OPS-004
-- kind: structural
-- Rows cannot be addressed one at a time (an update or delete by id, logical replication, most
-- ORMs), and duplicates creep in. A partitioned table is reported once, not per partition.
-- Splinter's no_primary_key.
SELECT c.oid::regclass::text AS table_name,
       NULLIF(greatest(c.reltuples, -1), -1)::bigint AS estimated_rows
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1;
