-- 0400_auth_invite_flow / apply
-- RISK-INT-001 (fact 4): the auth trigger links a new auth.users row to the users row invited
-- with that email (auth_id IS NULL AND status = 'invited'), but users.auth_id is NOT NULL, so
-- an invite cannot be stored without an auth id and the link never happens.
--   * auth_id becomes nullable, and a CHECK keeps it required for every status but 'invited'
--     (an active, suspended or deactivated user always has a login).
--   * the trigger function matches lower(email) = lower(NEW.email) (GoTrue lowercases emails,
--     people type them as they like), ignores soft-deleted invitations, and links ONE row: the
--     oldest open invitation. auth_id is globally unique (RISK-MT-004), so linking two tenants'
--     invitations at once would raise a unique violation inside GoTrue's INSERT and fail the
--     signup itself; the other invitations stay open.
--   * SECURITY DEFINER keeps (GoTrue's role may not update public.users) but with a fixed
--     search_path = pg_catalog, pg_temp, so the caller cannot shadow an operator or function.
--   * a partial expression index serves the lower(email) lookup of open invitations.
-- The caller wraps this script in a transaction.

ALTER TABLE public.users ALTER COLUMN auth_id DROP NOT NULL;
ALTER TABLE public.users ADD CONSTRAINT users_auth_id_unless_invited
    CHECK (auth_id IS NOT NULL OR status = 'invited'::public.user_status);

CREATE INDEX users_open_invitation_email_idx ON public.users USING btree (lower(email))
    WHERE auth_id IS NULL AND status = 'invited'::public.user_status AND deleted_at IS NULL;

CREATE OR REPLACE FUNCTION public.handle_new_auth_user()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE public.users
       SET auth_id    = NEW.id,
           status     = 'active'::public.user_status,
           updated_at = now()
     WHERE id = (SELECT u.id
                   FROM public.users AS u
                  WHERE lower(u.email) = lower(NEW.email)
                    AND u.auth_id IS NULL
                    AND u.status = 'invited'::public.user_status
                    AND u.deleted_at IS NULL
                  ORDER BY u.created_at, u.id
                  LIMIT 1);

    IF NOT FOUND THEN
        RAISE LOG 'handle_new_auth_user: no open invitation matches email % (auth user %)',
            NEW.email, NEW.id;
    END IF;

    RETURN NEW;
END;
$$;
