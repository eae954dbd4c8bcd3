-- Indexes identical to another index on the same table.
-- severity: low
-- risks: RISK-SCALE-004
-- kind: structural
-- identity: table_name, indexes
-- Same method, columns or expressions, operator classes, collations, order, predicate and
-- uniqueness: every write maintains both and the planner uses one. Drop all but one (keep the
-- one a constraint owns). Splinter's duplicate_index.
SELECT i.indrelid::regclass::text AS table_name,
       string_agg(ic.relname, ', ' ORDER BY ic.relname) AS indexes,
       min(pg_get_indexdef(i.indexrelid)) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (current_setting('workbench.audit_schemas')::text[])
  AND c.relkind IN ('r', 'm', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
GROUP BY i.indrelid, ic.relam, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
         i.indisunique, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
HAVING count(*) > 1
ORDER BY 1, 2;
