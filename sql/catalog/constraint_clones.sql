-- Foreign keys PostgreSQL cloned for partitions (of either side), each with the key it was cloned
-- from, as schema, table and constraint name of both. A linter that lists clones lists one key
-- many times; the audit reports the key once (benchmarks/audit_vs_splinter.py).
WITH RECURSIVE up AS (
    SELECT oid AS clone, oid AS root FROM pg_constraint WHERE contype = 'f' AND conparentid <> 0
    UNION ALL
    SELECT up.clone, p.conparentid FROM up JOIN pg_constraint p ON p.oid = up.root WHERE p.conparentid <> 0
)
SELECT cn.nspname, cc.relname, c.conname, rn.nspname, rc.relname, r.conname
FROM up
JOIN pg_constraint c ON c.oid = up.clone
JOIN pg_constraint r ON r.oid = up.root AND r.conparentid = 0
JOIN pg_class cc ON cc.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
JOIN pg_class rc ON rc.oid = r.conrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
