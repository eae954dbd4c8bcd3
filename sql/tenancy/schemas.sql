-- Every schema that is not PostgreSQL's own, by name (managed platform schemas are left out in Python
-- where the audit chooses its schemas; the isolation harness grants its role all of them).
SELECT nspname
FROM pg_namespace
WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
ORDER BY nspname;
