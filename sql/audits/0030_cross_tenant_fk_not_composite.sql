-- Foreign keys between tenant tables that do not include the tenant column on both sides.
-- severity: high
-- risks: RISK-MT-002
-- kind: structural
-- requires: tenant-model
-- A key on the id alone lets a child of one tenant point at a parent of another (an order of
-- organization A on a customer of organization B). The reference is safe when the same child
-- also has a composite key (tenant column, the key's columns) to the same parent, or a trigger
-- that checks the tenant (named in the detail; its body is not read).
WITH tenant_column AS (  -- the model's per-table tenant columns, parsed once
    SELECT t.key::oid AS relid, t.value AS attname
    FROM jsonb_each_text(current_setting('workbench.tenant_columns')::jsonb) AS t
), fk AS (
    SELECT con.oid, con.conname, con.conrelid, con.confrelid, con.conkey, con.confkey,
           ca.attnum AS child_tenant, pa.attnum AS parent_tenant
    FROM pg_constraint con
    JOIN tenant_column ct ON ct.relid = con.conrelid
    JOIN tenant_column pt ON pt.relid = con.confrelid
    JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attname = ct.attname
    JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attname = pt.attname
    WHERE con.contype = 'f'
)
SELECT fk.conrelid::regclass::text AS table_name,
       fk.conname AS constraint_name,
       (SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = fk.conrelid AND attnum = ANY (fk.conkey)) AS columns,
       fk.confrelid::regclass::text AS references_table
FROM fk
WHERE NOT (fk.child_tenant = ANY (fk.conkey))
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint c2
      WHERE c2.contype = 'f' AND c2.conrelid = fk.conrelid AND c2.confrelid = fk.confrelid
        AND fk.child_tenant = ANY (c2.conkey) AND fk.parent_tenant = ANY (c2.confkey)
        AND fk.conkey <@ c2.conkey AND fk.confkey <@ c2.confkey
  )
ORDER BY 1, 2;
