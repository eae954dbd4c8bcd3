-- Rows repeating a unique key a failed seed left behind, all but the first by ctid, deleted so
-- the key can be built again (workbench/seed/unique_rows.py). {keys}: the key's columns or
-- expressions; {where}: its predicate (partial index) and, unless NULLS NOT DISTINCT, that no
-- key part is NULL (NULLs never conflict).
DELETE FROM {table} WHERE ctid IN (
    SELECT ctid FROM (
        SELECT ctid, row_number() OVER (PARTITION BY {keys} ORDER BY ctid) AS n
        FROM {table} WHERE {where}
    ) ranked WHERE n > 1
)
