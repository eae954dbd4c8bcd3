-- One row per user table: rows (exact count is too slow at scale, so the planner's estimate
-- after ANALYZE), total size, and how much the catalog protects it.
SELECT format('%I.%I', n.nspname, c.relname) AS table_name,
       greatest(c.reltuples, 0)::bigint AS est_rows,
       pg_total_relation_size(c.oid) AS total_bytes,
       (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f') AS foreign_keys,
       (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('c', 'u', 'x')) AS checks_and_uniques,
       (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid) AS indexes,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
       (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       c.relkind = 'p' AS partitioned
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_workbench')
  AND n.nspname NOT LIKE 'pg_%'
ORDER BY 1
