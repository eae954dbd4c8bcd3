-- Per-table content checksum, independent of physical row order: the sum of a 60-bit slice of
-- each row's md5 (as text), plus the row count. Used to prove determinism and resume equality.
SELECT count(*) AS row_count,
       coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text AS checksum
FROM {table} AS t
