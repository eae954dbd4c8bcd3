-- User functions without a fixed search_path, and what uses them. pg_dump restores with
-- search_path = '', so such a function that resolves unqualified names breaks a restore when
-- it runs DURING the load: from a CHECK constraint, a column default or generated column, or an
-- index expression. Triggers are created after the data is loaded and do not fire then.
WITH fns AS (
    SELECT p.oid, format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS fn,
           p.prosecdef
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
      AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) AS c WHERE c LIKE 'search_path=%')
),
uses AS (
    SELECT d.refobjid AS fn_oid,
           CASE d.classid
               WHEN 'pg_constraint'::regclass THEN 'constraint ' || (SELECT conname FROM pg_constraint WHERE oid = d.objid) || ' (runs during the load)'
               WHEN 'pg_attrdef'::regclass THEN 'column default/generated (runs during the load)'
               WHEN 'pg_class'::regclass THEN 'index ' || d.objid::regclass::text || ' (built during the restore)'
               WHEN 'pg_trigger'::regclass THEN 'trigger ' || (SELECT tgname FROM pg_trigger WHERE oid = d.objid) || ' (created after the load, not fired)'
               WHEN 'pg_policy'::regclass THEN 'policy ' || (SELECT polname FROM pg_policy WHERE oid = d.objid) || ' (not evaluated by the restoring superuser)'
               ELSE d.classid::regclass::text
           END AS use
    FROM pg_depend d
    WHERE d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'
)
SELECT fns.fn, fns.prosecdef, coalesce(array_agg(DISTINCT uses.use) FILTER (WHERE uses.use IS NOT NULL), '{}')
FROM fns LEFT JOIN uses ON uses.fn_oid = fns.oid
GROUP BY fns.fn, fns.prosecdef
ORDER BY 1
