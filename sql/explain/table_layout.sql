-- How one table is stored: partitioned or not, partitions, rows, heap/TOAST/index bytes and
-- which columns it has (so inline bodies show). Input: table (name in public).
SELECT c.relkind::text AS relkind,
       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid) AS partitions,
       greatest(c.reltuples, 0)::bigint AS est_rows,
       pg_total_relation_size(c.oid) AS total_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       coalesce(pg_relation_size(c.reltoastrelid), 0) AS toast_bytes,
       (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
FROM pg_class c
WHERE c.oid = to_regclass('public.' || %(table)s)
