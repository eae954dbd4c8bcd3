-- Extensions the dump needs, with the schema each lives in (plpgsql is always there). With
-- --schema (a non-empty %(schemas)s) only those installed in a chosen schema or that an object
-- of a chosen schema depends on (a column's type, a default, an index's operator class, a
-- function's signature): pg_dump --schema leaves extensions out, so the clone creates these.
WITH ns AS (
    SELECT oid FROM pg_namespace
    WHERE cardinality(%(schemas)s::text[]) = 0 OR nspname = ANY (%(schemas)s::text[])
),
owned AS (  -- objects of the chosen schemas, as (catalog, oid)
    SELECT 'pg_class'::regclass AS classid, c.oid FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_attrdef'::regclass, a.oid FROM pg_attrdef a
              JOIN pg_class c ON c.oid = a.adrelid WHERE c.relnamespace IN (SELECT oid FROM ns)
    UNION ALL SELECT 'pg_constraint'::regclass, k.oid FROM pg_constraint k WHERE k.connamespace IN (SELECT oid FROM ns)
),
used AS (
    SELECT e.oid FROM pg_extension e WHERE e.extnamespace IN (SELECT oid FROM ns)
    UNION
    SELECT member.refobjid
    FROM owned
    JOIN pg_depend d ON d.classid = owned.classid AND d.objid = owned.oid
    JOIN pg_depend member ON member.classid = d.refclassid AND member.objid = d.refobjid
                         AND member.refclassid = 'pg_extension'::regclass AND member.deptype = 'e'
)
SELECT e.extname, n.nspname
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql' AND e.oid IN (SELECT oid FROM used)
ORDER BY 1
