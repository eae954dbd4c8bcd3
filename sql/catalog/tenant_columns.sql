-- Every table with a tenant column (%(column)s, e.g. organization_id), and whether that column
-- has a foreign key to the tenant table. The tenant table is the one most existing tenant-column
-- FKs point at, else a table named organizations/tenants; tables with a tenant column and the
-- tenant table itself are found in the catalog, never assumed.
WITH tenant_cols AS (
    SELECT c.oid AS relid, format('%%I.%%I', n.nspname, c.relname) AS table_name,
           a.attnum, a.attname
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attname = %(column)s AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_workbench')
),
fks AS (
    SELECT con.conrelid AS relid, con.confrelid AS target, con.conname
    FROM pg_constraint con
    JOIN tenant_cols t ON t.relid = con.conrelid AND con.conkey = ARRAY[t.attnum]
    WHERE con.contype = 'f'
),
tenant_table AS (
    SELECT coalesce(
        (SELECT target FROM fks GROUP BY target ORDER BY count(*) DESC LIMIT 1),
        to_regclass('organizations')::oid,
        to_regclass('tenants')::oid
    ) AS oid
)
SELECT t.table_name,
       t.attname AS tenant_column,
       (SELECT tt.oid::regclass::text FROM tenant_table tt) AS tenant_table,
       (SELECT string_agg(f.conname, ', ') FROM fks f, tenant_table tt
         WHERE f.relid = t.relid AND f.target = tt.oid) AS fk_name,
       (SELECT c.reltuples::bigint FROM pg_class c WHERE c.oid = t.relid) AS est_rows
FROM tenant_cols t
ORDER BY t.table_name
