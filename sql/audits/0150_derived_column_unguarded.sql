-- Stored columns named or documented as derived, with no generated expression, CHECK or trigger.
-- severity: high
-- risks: RISK-INTEGRITY-002
-- kind: structural
-- quantity_available (= on hand - allocated), weighted_value, balance_due, total_value: every
-- writer must keep them right by hand, and one that forgets makes them lie (overselling). Named
-- *_available, weighted_*, balance_due, total_value, or with a column comment saying derived,
-- computed or calculated. Guarded when generated, named in a CHECK, or the table has a trigger.
SELECT c.oid::regclass::text AS table_name,
       a.attname AS column_name,
       coalesce(col_description(c.oid, a.attnum), '(named as derived)') AS why
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND (a.attname ~ '(_available$|^weighted_|^balance_due$|^total_value$)'
       OR col_description(c.oid, a.attnum) ~* '(derived|computed|calculated)')
  AND a.attgenerated = ''
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'c' AND a.attnum = ANY (con.conkey))
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
ORDER BY 1, 2;
