-- Every top-level foreign key between tables of schema public, one row per column pair:
-- (constraint, child table, child column, parent table, parent column), in key order.
-- The seeder uses them to fill side tables it has no generator for (the remediated variant's
-- email_bodies): their key columns take the parent row's values, the rest the parent chunk's.
-- Clones on partitions (conparentid <> 0) are left out: the partitioned parent's key stands.
SELECT con.conname AS constraint_name,
       c.relname AS child_table,
       ca.attname AS child_column,
       p.relname AS parent_table,
       pa.attname AS parent_column
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
JOIN pg_class p ON p.oid = con.confrelid
JOIN pg_namespace pn ON pn.oid = p.relnamespace AND pn.nspname = 'public'
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(child_att, parent_att, pos)
JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child_att
JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_att
WHERE con.contype = 'f' AND con.conparentid = 0 AND NOT c.relispartition
ORDER BY c.relname, con.conname, k.pos
