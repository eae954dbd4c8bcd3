-- Every foreign key in schema public between two tables that both carry organization_id, as
-- (child table, child column, parent table, parent column) for its one non-tenant column:
-- plain FKs (baseline) and composite (organization_id, x) FKs (remediated) alike. Tests and the
-- notebook count, per pair, child rows whose parent belongs to another organization.
WITH fk AS (
    SELECT con.oid, con.conrelid, con.confrelid, k.child_att, k.parent_att
    FROM pg_constraint con
    JOIN pg_namespace n ON n.oid = con.connamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(child_att, parent_att)
    WHERE con.contype = 'f'
)
SELECT child.relname AS child_table, ca.attname AS child_column,
       parent.relname AS parent_table, pa.attname AS parent_column
FROM fk
JOIN pg_class child ON child.oid = fk.conrelid AND NOT child.relispartition
JOIN pg_class parent ON parent.oid = fk.confrelid
JOIN pg_attribute ca ON ca.attrelid = fk.conrelid AND ca.attnum = fk.child_att
JOIN pg_attribute pa ON pa.attrelid = fk.confrelid AND pa.attnum = fk.parent_att
WHERE ca.attname <> 'organization_id' AND pa.attname <> 'organization_id'
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = child.oid AND a.attname = 'organization_id')
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = parent.oid AND a.attname = 'organization_id')
ORDER BY 1, 2
