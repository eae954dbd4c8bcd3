-- JSONB columns with no shape validation (no CHECK on the column, no trigger on the table).
-- severity: low
-- risks: RISK-INTEGRITY-003, RISK-OPS-006
-- kind: structural
-- Anything parses as JSON: a line item without a product id or an address without a postcode
-- is stored as happily as a good one, and the reader finds out. Listed so the ones that carry
-- structure (line items, addresses) get a CHECK (jsonb_typeof, ?&, a JSON schema function).
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND a.atttypid = 'jsonb'::regtype
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'c' AND a.attnum = ANY (con.conkey))
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
ORDER BY 1, 2;
