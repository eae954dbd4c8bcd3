-- Every ordinary or partitioned-leaf table of the user schemas (those the fingerprint covers,
-- plus _workbench's bookkeeping, which a restore must bring back too): what the backup round
-- trip hashes row by row, with its size (the largest are hashed first when several
-- connections share the work).
SELECT n.nspname, c.relname, pg_relation_size(c.oid) AS bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
