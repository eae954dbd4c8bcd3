-- Tables with an updated_at column that no trigger keeps current.
-- severity: low
-- risks: RISK-OPS-004
-- kind: structural
-- A DEFAULT now() fills the column on INSERT only; every UPDATE that forgets to set it leaves
-- the row claiming it never changed (fact 12 of the reviewed schema). A BEFORE UPDATE row
-- trigger keeps it in the database instead of in every caller.
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       pg_get_expr(d.adbin, d.adrelid) AS column_default
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_trigger t
      WHERE t.tgrelid = c.oid AND NOT t.tgisinternal
        AND (t.tgtype & 1) = 1    -- FOR EACH ROW
        AND (t.tgtype & 2) = 2    -- BEFORE
        AND (t.tgtype & 16) = 16  -- UPDATE
  )
ORDER BY 1;
