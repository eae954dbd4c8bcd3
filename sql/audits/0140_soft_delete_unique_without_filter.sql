-- Unique indexes on soft-delete tables (with deleted_at) that still count soft-deleted rows.
-- severity: medium
-- risks: RISK-MT-005
-- kind: structural
-- Without WHERE deleted_at IS NULL a soft-deleted row keeps its value taken: a deleted user's
-- address cannot be invited again. Uniques that contain the primary key are skipped; per_tenant
-- says whether the index includes the table's tenant column.
WITH tenant_column AS (  -- the model's per-table tenant columns, parsed once
    SELECT t.key::oid AS relid, t.value AS attname
    FROM jsonb_each_text(current_setting('workbench.tenant_columns')::jsonb) AS t
)
SELECT i.indrelid::regclass::text AS table_name,
       ic.relname AS index_name,
       pg_get_indexdef(i.indexrelid) AS definition,
       coalesce((SELECT a.attnum = ANY (i.indkey::int2[])
                 FROM tenant_column tc JOIN pg_attribute a ON a.attrelid = tc.relid AND a.attname = tc.attname
                 WHERE tc.relid = i.indrelid), false) AS per_tenant
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indisunique AND NOT i.indisprimary
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = current_setting('workbench.soft_delete_column') AND NOT a.attisdropped)
  AND strpos(coalesce(pg_get_expr(i.indpred, i.indrelid), ''),
             quote_ident(current_setting('workbench.soft_delete_column')) || ' IS NULL') = 0
  AND NOT EXISTS (
      SELECT 1 FROM pg_index pk
      WHERE pk.indrelid = i.indrelid AND pk.indisprimary AND pk.indkey::int2[] <@ i.indkey::int2[]
  )
ORDER BY 1, 2;
