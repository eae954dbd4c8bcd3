-- The single-column primary key of a table (regclass text), if it has one.
SELECT a.attname
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = %(table)s::regclass AND i.indisprimary AND i.indnatts = 1
