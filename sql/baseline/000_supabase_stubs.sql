-- 000_supabase_stubs.sql
-- Reproduces: nothing from renoz-v3 itself. These are the pieces of Supabase that the three
-- reviewed migrations rely on, stubbed on plain PostgreSQL (see "Supabase pieces the migrations
-- rely on" in shared/schema-foundation.md):
--   * roles anon, authenticated, service_role (BYPASSRLS), supabase_auth_admin;
--   * schema auth, table auth.users, function auth.uid();
--   * Supabase's usual grants and default privileges on schema public.
-- Deliberately kept defects: none (this file is infrastructure, not the schema under review).
--
-- Roles are cluster-wide while everything else here is per database. This script is applied to
-- many freshly created databases on the same server, so each role is created ONLY when it is
-- missing; an existing role is never dropped or altered.
--
-- Honest differences from a real Supabase project:
--   * every role here is NOLOGIN (tests reach them with SET ROLE); on Supabase
--     supabase_auth_admin is a LOGIN role with a password used by the GoTrue auth server;
--   * auth.users carries only a handful of GoTrue's columns;
--   * objects are owned by whoever runs this script (postgres), not by supabase_admin.

-- ---------------------------------------------------------------------------------------------
-- Roles (idempotent across databases)
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'supabase_auth_admin') THEN
        CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT;
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Schema auth and the part of auth.users the migrations touch
-- ---------------------------------------------------------------------------------------------
CREATE SCHEMA IF NOT EXISTS auth;

CREATE TABLE auth.users (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    instance_id         uuid,
    aud                 text,
    role                text,
    email               text,
    encrypted_password  text,
    email_confirmed_at  timestamptz,
    last_sign_in_at     timestamptz,
    raw_app_meta_data   jsonb,
    raw_user_meta_data  jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz
);

-- auth.uid(): the uuid in the JWT "sub" claim. Older PostgREST exposes it as the setting
-- request.jwt.claim.sub, newer versions as the JSON setting request.jwt.claims. Both are read
-- with missing_ok, and an empty string counts as "not set", so outside a request it is NULL.
CREATE OR REPLACE FUNCTION auth.uid()
RETURNS uuid
LANGUAGE sql
STABLE
AS $$
    SELECT COALESCE(
        NULLIF(current_setting('request.jwt.claim.sub', true), ''),
        NULLIF(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
    )::uuid
$$;

-- ---------------------------------------------------------------------------------------------
-- Grants as Supabase sets them
-- ---------------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA auth   TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role;

-- The auth server's role owns its schema's data.
GRANT ALL ON SCHEMA auth TO supabase_auth_admin;
GRANT ALL ON TABLE auth.users TO supabase_auth_admin;

-- Tables, sequences and functions created later in public (by the role running the migrations)
-- get Supabase's usual blanket grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES    TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
