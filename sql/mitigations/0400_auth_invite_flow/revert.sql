-- 0400_auth_invite_flow / revert
-- Puts back the reviewed trigger function (body, no search_path) and auth_id NOT NULL.
-- SET NOT NULL fails, deliberately, while open invitations without an auth id exist: reverting
-- must not silently delete invited users.
-- The caller wraps this script in a transaction.

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

DROP INDEX public.users_open_invitation_email_idx;
ALTER TABLE public.users DROP CONSTRAINT users_auth_id_unless_invited;
ALTER TABLE public.users ALTER COLUMN auth_id SET NOT NULL;
