-- The oid and regclass text (as the checks print it) of each table name of a tenant model; NULL
-- where the database has no such table. Parameter: names (text[]), as the model prints them.
SELECT name, to_regclass(name)::oid::int8 AS oid, to_regclass(name)::text AS label
FROM unnest(%(names)s::text[]) AS name;
