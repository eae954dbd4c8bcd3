-- Enum labels in their sort order (order matters for comparisons and ORDER BY).
SELECT n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
GROUP BY 1
ORDER BY 1
