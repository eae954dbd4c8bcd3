-- supabase_platform.sql: what Supabase projects' migrations rely on beyond
-- sql/baseline/000_supabase_stubs.sql (which runs first): `workbench clone --migrations DIR
-- --platform supabase`. Idempotent; every object here stands in for a platform piece:
--   * schema extensions with pgcrypto and uuid-ossp (or stand-ins), and the search_path
--     "$user", public, extensions (Supabase's; migrations call gen_random_bytes() unqualified);
--   * auth.jwt(), auth.role(), auth.email() read the same request settings as auth.uid();
--   * supabase_functions.http_request(): database webhooks (a trigger that does nothing here);
--   * the supabase_realtime publication, and storage.buckets / storage.objects.
-- Honest differences: no HTTP, no Realtime, no storage API; storage tables carry the usual
-- columns only.
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
-- pgcrypto and uuid-ossp where the server has them; else stand-ins for the two functions
-- migrations call most (the embedded PostgreSQL ships without either extension). The stand-in
-- gen_random_bytes is not cryptographic: fine for a copy that holds synthetic rows only.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto') THEN
        CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
    ELSIF to_regprocedure('extensions.gen_random_bytes(integer)') IS NULL THEN
        CREATE FUNCTION extensions.gen_random_bytes(n integer) RETURNS bytea
            LANGUAGE sql VOLATILE
            AS $f$ SELECT decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''),
                                 'hex') FROM generate_series(1, n) $f$;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'uuid-ossp') THEN
        CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
    ELSIF to_regprocedure('extensions.uuid_generate_v4()') IS NULL THEN
        CREATE FUNCTION extensions.uuid_generate_v4() RETURNS uuid
            LANGUAGE sql VOLATILE AS $f$ SELECT gen_random_uuid() $f$;
    END IF;
END
$$;
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, extensions',
                   current_database());
END
$$;
SET search_path = "$user", public, extensions;

CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT COALESCE(NULLIF(current_setting('request.jwt.claims', true), '')::jsonb,
                    jsonb_build_object('sub', NULLIF(current_setting('request.jwt.claim.sub', true), '')))
$$;
CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT COALESCE(NULLIF(current_setting('request.jwt.claim.role', true), ''),
                    NULLIF(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
$$;
CREATE OR REPLACE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT COALESCE(NULLIF(current_setting('request.jwt.claim.email', true), ''),
                    NULLIF(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
$$;
GRANT EXECUTE ON FUNCTION auth.jwt(), auth.role(), auth.email() TO anon, authenticated, service_role;

CREATE SCHEMA IF NOT EXISTS supabase_functions;
CREATE OR REPLACE FUNCTION supabase_functions.http_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;  -- no HTTP here; webhook triggers are AFTER triggers, the result is ignored
END
$$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
        SET LOCAL client_min_messages = error;  -- "wal_level is insufficient": harmless here
        CREATE PUBLICATION supabase_realtime;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS storage;
GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role;
CREATE TABLE IF NOT EXISTS storage.buckets (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    owner       uuid,
    owner_id    text,
    public      boolean DEFAULT false,
    created_at  timestamptz DEFAULT now(),
    updated_at  timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS storage.objects (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bucket_id         text REFERENCES storage.buckets (id),
    name              text,
    owner             uuid,
    owner_id          text,
    metadata          jsonb,
    version           text,
    path_tokens       text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
    created_at        timestamptz DEFAULT now(),
    updated_at        timestamptz DEFAULT now(),
    last_accessed_at  timestamptz DEFAULT now()
);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
GRANT ALL ON storage.buckets, storage.objects TO anon, authenticated, service_role;
