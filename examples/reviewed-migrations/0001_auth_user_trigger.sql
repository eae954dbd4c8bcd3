-- 0001_auth_user_trigger.sql (example: the reviewed hand-written migration's shape)
-- Links new auth.users rows to invited public.users rows (sql/baseline/040).

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
