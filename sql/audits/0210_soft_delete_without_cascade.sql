-- Foreign keys from a table without soft delete to a parent with soft delete (deleted_at).
-- severity: low
-- risks: RISK-INTEGRITY-004
-- kind: structural
-- ON DELETE CASCADE/SET NULL fire on hard deletes only: when the parent is soft-deleted the
-- child stays live and keeps pointing at it. A trigger on the parent cannot help here: the child
-- has no deleted_at to receive a propagated delete (children that have one are counted by the
-- data check live_children_of_deleted_parents). Give the child deleted_at, or accept the key.
SELECT con.conrelid::regclass::text AS table_name,
       con.conname AS constraint_name,
       con.confrelid::regclass::text AS parent_table
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f'
  AND NOT c.relispartition  -- partitions carry clones of the parent's keys: report the parent once
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname = current_setting('workbench.soft_delete_column') AND NOT a.attisdropped)
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = current_setting('workbench.soft_delete_column') AND NOT a.attisdropped)
ORDER BY 1, 2;
