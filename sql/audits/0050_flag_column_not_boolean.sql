-- Flag-like columns (is_*, has_*, *_enabled, *_flag: workbench/column_names.py) whose type is not boolean.
-- severity: high
-- risks: RISK-INTEGRITY-001
-- kind: structural
-- A flag stored as uuid or text cannot hold true/false, and no boolean default fits it (the
-- reviewed DDL's uuid DEFAULT false is rejected by PostgreSQL; the migrations check shows that).
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND a.attname ~ current_setting('workbench.flag_names')
  AND a.atttypid <> 'boolean'::regtype
ORDER BY 1, 2;
