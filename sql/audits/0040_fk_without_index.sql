-- Foreign keys whose columns are not the leading columns of any index.
-- severity: medium
-- risks: RISK-OPS-005
-- kind: structural
-- Deleting or updating a parent row then scans the whole child table (once per parent row), and
-- the lock is held for that long. Indexes that merely contain the columns after another one
-- (tenant_id, parent_id) do not help a lookup by parent_id alone. Splinter's
-- unindexed_foreign_keys, plus the child table's size. A composite key that includes the tenant
-- column is also served by an index that leads with one of its other columns. A partial index
-- does not count (the key check's lookup has no WHERE to match it), nor an invalid one. Columns
-- in another order than the key's count (a btree on (b, a) finds a = $1 AND b = $2). The one
-- definition of a supporting index: the RISK-OPS-005 probe runs this check.
WITH tenant_att AS (  -- each direct tenant table's tenant column, as an attnum (JSON read once)
    SELECT a.attrelid, a.attnum
    FROM jsonb_each_text(current_setting('workbench.tenant_columns')::jsonb) t(relid, col)
    JOIN pg_attribute a ON a.attrelid = t.relid::oid AND a.attname = t.col
)
SELECT con.conrelid::regclass::text AS table_name,
       con.conname AS constraint_name,
       (SELECT string_agg(attname, ', ' ORDER BY array_position(con.conkey, attnum)) FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = ANY (con.conkey)) AS columns,
       con.confrelid::regclass::text AS references_table,
       pg_size_pretty(c.relpages::bigint * current_setting('block_size')::int) AS table_size,  -- as of the last VACUUM/ANALYZE: no file access
       NULLIF(greatest(c.reltuples, -1), -1)::bigint AS estimated_rows
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN tenant_att ta ON ta.attrelid = con.conrelid
WHERE con.contype = 'f'
  AND NOT c.relispartition  -- partitions carry clones of the parent's keys: report the parent once
  AND n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_index i
      WHERE i.indrelid = con.conrelid AND i.indpred IS NULL AND i.indisvalid
        AND (((i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
               AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey)
             OR (cardinality(con.conkey) > 1 AND i.indkey[0] = ANY (con.conkey)
                 AND i.indkey[0] IS DISTINCT FROM ta.attnum))
  )
ORDER BY 1, 2;
