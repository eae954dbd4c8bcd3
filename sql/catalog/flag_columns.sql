-- Flag-like columns (is_*, has_*, *_enabled) and their types, in every user schema.
-- A flag that is not boolean is RISK-INTEGRITY-001's defect.
SELECT format('%I.%I', n.nspname, c.relname) AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type,
       pg_get_expr(d.adbin, d.adrelid) AS column_default
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_workbench')
  AND n.nspname NOT LIKE 'pg_%'
  AND NOT c.relispartition
  AND (a.attname LIKE 'is\_%' OR a.attname LIKE 'has\_%' OR a.attname LIKE '%\_enabled')
ORDER BY 1, 2
