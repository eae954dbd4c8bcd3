-- Amount and quantity columns that no CHECK constraint bounds.
-- severity: medium
-- risks: RISK-OPS-004, RISK-INTEGRITY-006
-- kind: structural
-- Numeric columns named like money or quantities (price, cost, amount, total, quantity, qty_*)
-- that no CHECK mentions: a negative price or quantity is stored without complaint. ORMs rarely
-- generate CHECKs, so their absence in the migrations is the usual state.
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND a.atttypid IN ('numeric'::regtype, 'integer'::regtype, 'bigint'::regtype, 'smallint'::regtype, 'real'::regtype, 'double precision'::regtype)
  AND (a.attname ~ current_setting('workbench.money_names') OR a.attname ~ current_setting('workbench.quantity_names'))
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'c' AND a.attnum = ANY (con.conkey))
ORDER BY 1, 2;
