-- Foreign keys from a table without soft delete to a parent with soft delete (deleted_at).
-- severity: low
-- risks: RISK-INTEGRITY-004
-- kind: structural
-- ON DELETE CASCADE/SET NULL fire on hard deletes only: when the parent is soft-deleted the
-- child stays live and keeps pointing at it, unless a trigger on the parent propagates it.
SELECT con.conrelid::regclass::text AS table_name,
       con.conname AS constraint_name,
       con.confrelid::regclass::text AS parent_table
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f'
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname = 'deleted_at' AND NOT a.attisdropped)
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = 'deleted_at' AND NOT a.attisdropped)
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = con.confrelid AND NOT t.tgisinternal AND t.tgtype & 16 <> 0)
ORDER BY 1, 2;
