-- The schemas the tables of the seeded schemas reach through foreign keys, transitively (a Supabase
-- schema's tables point at auth.users: those tables need rows too).
WITH RECURSIVE reach(nsp) AS (
    SELECT unnest(%(schemas)s::text[]) COLLATE "C"
    UNION
    SELECT pn.nspname::text COLLATE "C"
    FROM reach
    JOIN pg_namespace n ON n.nspname = reach.nsp
    JOIN pg_class c ON c.relnamespace = n.oid
    JOIN pg_constraint con ON con.conrelid = c.oid AND con.contype = 'f'
    JOIN pg_class p ON p.oid = con.confrelid
    JOIN pg_namespace pn ON pn.oid = p.relnamespace
)
SELECT nsp FROM reach ORDER BY 1
