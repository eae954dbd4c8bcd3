-- Foreign keys between tenant tables that do not include the tenant column on both sides.
-- severity: high
-- risks: RISK-MT-002
-- kind: structural
-- A key on the id alone lets a child of one tenant point at a parent of another (an order of
-- organization A on a customer of organization B). The reference is safe when the same child
-- also has a composite key (tenant column, the key's columns) to the same parent, or a trigger
-- that checks the tenant (named in the detail; its body is not read).
WITH fk AS (
    SELECT con.oid, con.conname, con.conrelid, con.confrelid, con.conkey, con.confkey,
           ca.attnum AS child_tenant, pa.attnum AS parent_tenant
    FROM pg_constraint con
    JOIN pg_attribute ca ON ca.attrelid = con.conrelid
         AND ca.attname = (current_setting('workbench.tenant_columns')::jsonb ->> con.conrelid::text)
    JOIN pg_attribute pa ON pa.attrelid = con.confrelid
         AND pa.attname = (current_setting('workbench.tenant_columns')::jsonb ->> con.confrelid::text)
    WHERE con.contype = 'f'
      AND con.conrelid = ANY (current_setting('workbench.direct_tables')::oid[])
      AND con.confrelid = ANY (current_setting('workbench.direct_tables')::oid[])
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
