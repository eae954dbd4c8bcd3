-- Totals stored on a parent row beside child line rows, with nothing keeping them in step.
-- severity: medium
-- risks: RISK-INTEGRITY-007
-- kind: structural
-- A parent with subtotal/total columns and a child (foreign key to it) with a line_total or
-- amount column: an invoice prints the stored total while the lines say otherwise. Kept in step
-- when the child table has a trigger, or the parent's total is checked by a constraint trigger.
SELECT con.confrelid::regclass::text AS table_name,
       (SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = con.confrelid AND attnum > 0 AND NOT attisdropped AND attname ~ '^(sub)?total$') AS total_columns,
       con.conrelid::regclass::text AS lines_table,
       (SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = con.conrelid AND attnum > 0 AND NOT attisdropped AND attname ~ '^(line_total|line_amount|amount)$') AS line_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f'
  AND NOT c.relispartition  -- partitions carry clones of the parent's keys: report the parent once
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = con.confrelid AND attnum > 0 AND NOT attisdropped AND attname ~ '^(sub)?total$')
  AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = con.conrelid AND attnum > 0 AND NOT attisdropped AND attname ~ '^(line_total|line_amount|amount)$')
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = con.conrelid AND NOT t.tgisinternal)
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = con.confrelid AND NOT t.tgisinternal AND t.tgconstraint <> 0)
ORDER BY 1, 3;
