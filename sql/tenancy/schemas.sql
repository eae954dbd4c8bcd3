-- Every schema that is not PostgreSQL's own, by name (managed platform schemas are left out in Python).
SELECT nspname
FROM pg_namespace
WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
ORDER BY nspname;
