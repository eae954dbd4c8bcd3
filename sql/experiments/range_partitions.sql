-- The leaf partitions of one range-partitioned table (%(parent)s: any name regclass reads) with
-- a lower bound, as (schema, name, lower bound as the catalog prints it). DEFAULT partitions and
-- those bounded FROM (MINVALUE) have none and are left out; the caller orders the rest by the
-- bound cast to the key's type, so no naming scheme (e.g. a _YYYY_MM suffix) is assumed.
SELECT schema_name, table_name, low
FROM (
    SELECT n.nspname::text AS schema_name,
           c.relname::text AS table_name,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''')
           )[1] AS low
    FROM pg_partition_tree(%(parent)s::regclass) AS t
    JOIN pg_class c ON c.oid = t.relid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE t.isleaf AND t.level > 0
) AS leaves
WHERE low IS NOT NULL
