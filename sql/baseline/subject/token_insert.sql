-- An API token inserted the way the application does: no expires_at given. Organization and
-- user are made up in the same (rolled-back) transaction so the probe also runs on an empty
-- database; the CTEs run as the superuser, which row level security does not restrict.
WITH org AS (
    INSERT INTO public.organizations (name, slug) VALUES ('Probe Org', 'probe-token') RETURNING id
), usr AS (
    INSERT INTO public.users (organization_id, auth_id, email, status)
    SELECT id, gen_random_uuid(), 'token.owner@probe-example.com', 'active' FROM org RETURNING id, organization_id
)
INSERT INTO public.api_tokens (name, hashed_token, token_prefix, user_id, organization_id)
SELECT 'probe', md5(random()::text), 'wb_probe', usr.id, usr.organization_id FROM usr
RETURNING expires_at
