-- Money-like columns (price, cost, amount, total, balance, ...) stored as real or double precision.
-- severity: high
-- risks: RISK-INTEGRITY-006
-- kind: structural
-- Binary floating point cannot hold 0.10 exactly; sums of many rows drift by cents. Money
-- belongs in numeric with a fixed scale (or integer cents).
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND a.atttypid IN ('real'::regtype, 'double precision'::regtype)
  AND a.attname ~ current_setting('workbench.money_names')
ORDER BY 1, 2;
