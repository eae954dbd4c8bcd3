-- The schema's catalog as (kind, object, detail) rows: what `workbench schema fingerprint`
-- hashes. Every user schema counts except the workbench's own bookkeeping (_workbench).
-- Columns are listed by name, not position: dropping and re-adding a column at revert time is
-- a semantic no-op that would otherwise change the hash.
WITH ns AS (
    SELECT oid, nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '_workbench')
      AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
),
rel AS (
    SELECT c.oid, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
           c.relispartition, c.reloptions, ns.nspname, format('%I.%I', ns.nspname, c.relname) AS qname
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
)
SELECT 'table' AS kind, qname AS object,
       concat_ws(' ', 'kind=' || relkind::text, CASE WHEN relispartition THEN 'partition' END,
                 'rls=' || relrowsecurity, 'force_rls=' || relforcerowsecurity,
                 'options=' || coalesce(array_to_string(reloptions, ','), ''),
                 CASE WHEN relkind = 'p' THEN pg_get_partkeydef(oid) END,
                 CASE WHEN relispartition THEN pg_get_expr((SELECT relpartbound FROM pg_class WHERE oid = rel.oid), oid) END)
       AS detail
FROM rel
UNION ALL
SELECT 'column', rel.qname || '.' || a.attname,
       concat_ws(' ', format_type(a.atttypid, a.atttypmod),
                 CASE WHEN a.attnotnull THEN 'not null' END,
                 CASE WHEN a.attgenerated = 's' THEN 'generated as ' || pg_get_expr(ad.adbin, ad.adrelid)
                      WHEN ad.adbin IS NOT NULL THEN 'default ' || pg_get_expr(ad.adbin, ad.adrelid) END,
                 CASE WHEN a.attidentity <> '' THEN 'identity ' || a.attidentity::text END,
                 'storage=' || a.attstorage::text)
FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
UNION ALL
SELECT 'constraint', rel.qname || ' ' || con.conname,
       pg_get_constraintdef(con.oid) || CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END
FROM rel JOIN pg_constraint con ON con.conrelid = rel.oid
WHERE con.contype <> 'n'  -- PostgreSQL 18 stores NOT NULL as constraints; columns carry it
UNION ALL
SELECT 'index', rel.qname || ' ' || i.relname,
       concat_ws(' ', pg_get_indexdef(i.oid), CASE WHEN NOT x.indisvalid THEN '(invalid)' END,
                 (SELECT 'attached to ' || inh.inhparent::regclass::text
                  FROM pg_inherits inh WHERE inh.inhrelid = i.oid))
FROM rel JOIN pg_index x ON x.indrelid = rel.oid JOIN pg_class i ON i.oid = x.indexrelid
UNION ALL
SELECT 'policy', rel.qname || ' ' || p.polname,
       concat_ws(' ', CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
                 'for ' || p.polcmd::text,
                 'to ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ',' ORDER BY 1)
                           FROM unnest(p.polroles) AS r),
                 'using (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                 'check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')')
FROM rel JOIN pg_policy p ON p.polrelid = rel.oid
UNION ALL
SELECT 'trigger', rel.qname || ' ' || t.tgname, pg_get_triggerdef(t.oid)
FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid AND NOT t.tgisinternal
UNION ALL
SELECT 'function', format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       concat_ws(' ', 'returns ' || pg_get_function_result(p.oid),
                 CASE WHEN p.prosecdef THEN 'security definer' END,
                 'config=' || coalesce(array_to_string(p.proconfig, ','), ''),
                 'body=' || md5(p.prosrc))
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'type', format('%I.%I', ns.nspname, t.typname),
       'enum (' || (SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
                    FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
WHERE t.typtype = 'e'
ORDER BY 1, 2, 3
