-- How one table is stored: partitioned or not, partitions, rows, heap/TOAST/index bytes and
-- which columns it has (so inline bodies show). Input: table (name in public). For a partitioned
-- table the rows and bytes are the sums over its partitions (the parent itself holds nothing);
-- a plain table has no partition tree (pg_partition_tree returns nothing), so it is its own leaf.
WITH tree AS (
    SELECT c.oid, c.reltuples, c.reltoastrelid
    FROM pg_class c
    WHERE c.oid IN (SELECT t.relid FROM pg_partition_tree(to_regclass('public.' || %(table)s)) AS t
                    WHERE t.isleaf)
       OR (c.oid = to_regclass('public.' || %(table)s) AND c.relkind = 'r')
)
SELECT c.relkind::text AS relkind,
       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid) AS partitions,
       (SELECT coalesce(sum(greatest(t.reltuples, 0)), 0) FROM tree t)::bigint AS est_rows,
       (SELECT coalesce(sum(pg_total_relation_size(t.oid)), 0) FROM tree t)::bigint AS total_bytes,
       (SELECT coalesce(sum(pg_indexes_size(t.oid)), 0) FROM tree t)::bigint AS index_bytes,
       (SELECT coalesce(sum(pg_relation_size(t.reltoastrelid)), 0) FROM tree t)::bigint AS toast_bytes,
       (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM pg_class c
WHERE c.oid = to_regclass('public.' || %(table)s)
