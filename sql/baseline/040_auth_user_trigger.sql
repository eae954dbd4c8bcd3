-- 040_auth_user_trigger.sql
-- Reproduces: the hand-written "auth user trigger" migration (0001_auth_user_trigger.sql in the
-- premortem's listing; it shares the 0001_ prefix with the second Drizzle migration,
-- RISK-OPS-001): re-enables RLS on users, creates public.handle_new_auth_user() and the trigger
-- on_auth_user_created on auth.users, and grants supabase_auth_admin access to public.users.
--
-- Deliberately kept defects (numbers are the facts in shared/schema-foundation.md):
--   fact 4  the function links only rows with auth_id IS NULL AND status = 'invited', but
--           users.auth_id is NOT NULL (020), so no such row can exist and the link never
--           happens; when nothing matches it only RAISE LOGs (the client sees nothing).
--           It is SECURITY DEFINER with NO "SET search_path"; email matching is "=" on text,
--           so case-sensitive.
--   Also kept: ENABLE ROW LEVEL SECURITY on users again, although 020 already enabled it
--   (a no-op, as in the original).
-- The spec says the function updates public.users; the table is schema-qualified here as that
-- sentence reads. The missing search_path still matters for everything else the body resolves
-- (operators, functions, types) because the function runs with the caller's search_path.

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION public.handle_new_auth_user()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    UPDATE public.users
       SET auth_id    = NEW.id,
           status     = 'active',
           updated_at = now()
     WHERE email = NEW.email
       AND auth_id IS NULL
       AND status = 'invited';

    IF NOT FOUND THEN
        RAISE LOG 'handle_new_auth_user: no invited user matches email % (auth user %)',
            NEW.email, NEW.id;
    END IF;

    RETURN NEW;
END;
$$;

CREATE TRIGGER on_auth_user_created
    AFTER INSERT ON auth.users
    FOR EACH ROW
    EXECUTE FUNCTION public.handle_new_auth_user();

GRANT USAGE ON SCHEMA public TO supabase_auth_admin;
GRANT ALL ON TABLE public.users TO supabase_auth_admin;
