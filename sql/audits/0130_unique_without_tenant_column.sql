-- Unique constraints and indexes on tenant tables that do not include the tenant column.
-- severity: low
-- risks: RISK-MT-003, RISK-MT-004
-- kind: structural
-- requires: tenant-model
-- A global unique on a tenant table makes one tenant's value block another's (two tenants
-- cannot both use SKU "A-1"). Some are rightly global (a login id, a token hash), so they are
-- listed for review, not gated. Primary keys and uniques that contain the primary key are skipped.
WITH tenant_column AS (  -- the model's per-table tenant columns, parsed once
    SELECT t.key::oid AS relid, t.value AS attname
    FROM jsonb_each_text(current_setting('workbench.tenant_columns')::jsonb) AS t
)
SELECT i.indrelid::regclass::text AS table_name,
       ic.relname AS index_name,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN tenant_column tc ON tc.relid = i.indrelid
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = tc.attname
WHERE i.indisunique AND NOT i.indisprimary
  AND NOT (a.attnum = ANY (i.indkey::int2[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_index pk
      WHERE pk.indrelid = i.indrelid AND pk.indisprimary AND pk.indkey::int2[] <@ i.indkey::int2[]
  )
ORDER BY 1, 2;
