-- Extensions installed in public or in an audited application schema.
-- severity: low
-- risks: RISK-INT-002
-- kind: structural
-- identity: extension_name
-- Their functions and tables land beside the application's: exposed by an API over that schema,
-- executable by PUBLIC, and in the way of names the application will want. Install them in a
-- schema of their own (CREATE EXTENSION ... SCHEMA extensions). plpgsql is PostgreSQL's own.
-- Splinter's extension_in_public.
SELECT e.extname AS extension_name,
       e.extnamespace::regnamespace::text AS schema_name,
       e.extversion AS version
FROM pg_extension e
WHERE e.extname <> 'plpgsql'
  AND (e.extnamespace = 'public'::regnamespace
       OR e.extnamespace::regnamespace::text = ANY (current_setting('workbench.audit_schemas')::text[]))
ORDER BY 1;
