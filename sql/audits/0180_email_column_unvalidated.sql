-- Email columns with no validation (no CHECK on the column, no domain with a CHECK).
-- severity: low
-- risks: RISK-INTEGRITY-008
-- kind: structural
-- Columns named email, *_email, or from/to/cc/reply_to_address of text type. Whatever the
-- application validates today, imports and scripts bypass it; bounces and failed invites follow.
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND a.attname ~ current_setting('workbench.email_names')
  AND t.typcategory = 'S'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'c' AND a.attnum = ANY (con.conkey))
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.contypid = a.atttypid AND con.contype = 'c')
ORDER BY 1, 2;
