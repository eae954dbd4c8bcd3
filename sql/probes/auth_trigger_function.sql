-- The function behind the first user trigger on auth.users: its name, whether it is SECURITY
-- DEFINER, its SET options, whether search_path is fixed among them, and the trigger's name.
SELECT format('%I.%I()', n.nspname, p.proname), p.prosecdef, coalesce(p.proconfig, '{}'),
       EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) AS c WHERE c LIKE 'search_path=%'),
       t.tgname
FROM pg_trigger t
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE t.tgrelid = 'auth.users'::regclass AND NOT t.tgisinternal
ORDER BY t.tgname
LIMIT 1
