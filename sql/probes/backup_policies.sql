-- Every policy with its command, roles and expressions (pg_policies renders them).
SELECT schemaname || '.' || tablename || ' ' || policyname, permissive, cmd,
       roles::text, coalesce(qual, ''), coalesce(with_check, '')
FROM pg_policies
ORDER BY 1
