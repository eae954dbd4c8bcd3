-- Indexes that no query has scanned since statistics began (primary keys and uniques aside).
-- severity: info
-- risks: RISK-SCALE-004
-- kind: structural
-- identity: index_name
-- condition: {statistics}
-- Every write maintains them and they take space, for nothing if no query reads through them.
-- The verdict is only as good as the statistics: on a fresh or just-reset database every index
-- reads 0, so the finding's detail says whether any index scan was recorded at all, and since
-- when; drop only after a full business cycle of the real workload. Indexes that support a
-- foreign key are used by parent deletes only, which may be rare. Splinter's unused_index.
WITH idx AS (
    SELECT s.indexrelid, s.relid, s.idx_scan, i.indisunique, i.indisprimary
    FROM pg_stat_user_indexes s
    JOIN pg_index i ON i.indexrelid = s.indexrelid
    WHERE s.schemaname = ANY (current_setting('workbench.audit_schemas')::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.relid AND d.deptype = 'e')
), stats AS (
    SELECT coalesce(sum(idx_scan), 0) AS scans,
           coalesce((SELECT to_char(stats_reset, 'YYYY-MM-DD HH24:MI TZ') FROM pg_stat_database WHERE datname = current_database()),
                    'the statistics began') AS since
    FROM idx
)
SELECT idx.indexrelid::regclass::text AS index_name,
       idx.relid::regclass::text AS table_name,
       pg_size_pretty(pg_relation_size(idx.indexrelid)) AS index_size,
       CASE WHEN stats.scans = 0
            THEN format('statistics are empty (no index scan recorded since %s): every index reads unused, so this lists them all; judge after the workload has run', stats.since)
            ELSE format('never scanned since %s, while %s scans were recorded on the other indexes', stats.since, stats.scans)
       END AS statistics
FROM idx CROSS JOIN stats
WHERE idx.idx_scan = 0 AND NOT idx.indisunique AND NOT idx.indisprimary
ORDER BY 1;
