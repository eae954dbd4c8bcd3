-- A multi-tenant SaaS schema the seeder has never seen (tests/test_seed_catalog*.py): the tenant
-- is `teams` (uuid key), tables reach it directly (team_id) or through foreign-key chains, and
-- it uses every column type and constraint form the catalog-driven seeder claims to handle.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE member_role AS ENUM ('owner', 'admin', 'member', 'guest');
CREATE TYPE task_state AS ENUM ('todo', 'doing', 'done');
CREATE DOMAIN positive_qty AS integer CHECK (VALUE > 0);
CREATE DOMAIN us_zip AS text CHECK (VALUE ~ '^[0-9]{5}$');
CREATE FUNCTION is_even(n bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n % 2 = 0';

CREATE TABLE countries (              -- reference data a migration inserted
    code char(2) PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO countries VALUES ('AU', 'Australia'), ('NZ', 'New Zealand'), ('US', 'United States');

CREATE TABLE users (                  -- global: people belong to teams through memberships
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email citext NOT NULL UNIQUE,
    full_name text NOT NULL,
    phone varchar(30),
    avatar_url text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    slug citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    plan text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'enterprise')),
    country_code char(2) REFERENCES countries (code),
    settings jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    role member_role NOT NULL DEFAULT 'member',
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE projects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name varchar(80) NOT NULL,
    budget numeric(12, 2) CHECK (budget >= 0),
    status text NOT NULL CHECK (status = ANY (ARRAY['planned', 'active', 'closed'])),
    starts_on date NOT NULL,
    ends_on date,
    lead_task_id bigint,                          -- closes a cycle with tasks
    archived_at timestamptz,
    UNIQUE (team_id, name),
    UNIQUE (team_id, id),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE tasks (
    id bigserial PRIMARY KEY,
    team_id uuid NOT NULL,
    project_id bigint NOT NULL,
    parent_id bigint REFERENCES tasks (id),       -- self-reference (a tree)
    assignee_id uuid REFERENCES users (id),
    title text NOT NULL CHECK (length(title) BETWEEN 3 AND 120),
    state task_state NOT NULL DEFAULT 'todo',
    priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
    estimate interval,
    tags text[],
    watchers uuid[],
    labels jsonb NOT NULL DEFAULT '{}',
    done boolean NOT NULL DEFAULT false,
    completed_at timestamptz,
    quantity positive_qty,
    zip us_zip,
    progress numeric(5, 2) CHECK (progress >= 0 AND progress <= 100),
    score double precision,
    client_ip inet,
    checksum bytea,
    due_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    FOREIGN KEY (team_id, project_id) REFERENCES projects (team_id, id) ON DELETE CASCADE,
    CHECK ((done AND completed_at IS NOT NULL) OR (NOT done AND completed_at IS NULL)),
    CHECK (updated_at >= created_at),
    CHECK (is_even(id) OR priority > 0)         -- a form the engine leaves to the server
);
ALTER TABLE projects ADD FOREIGN KEY (lead_task_id) REFERENCES tasks (id);

CREATE TABLE comments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id),
    body text NOT NULL,
    author_email text CHECK (author_email ~* '^[^@]+@[^@]+\.[a-z]+$'),
    body_length integer GENERATED ALWAYS AS (length(body)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    edited_at timestamptz,
    CHECK (num_nonnulls(author_id, author_email) >= 1)
);

CREATE TABLE invoices (
    id text PRIMARY KEY DEFAULT ('inv_' || substr(md5(random()::text), 1, 16)),
    team_id uuid NOT NULL REFERENCES teams (id),
    number integer NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    currency char(3) NOT NULL,
    country_code char(2) REFERENCES countries (code),
    billing_email varchar(120) NOT NULL,
    issued_on date NOT NULL,
    paid_at timestamptz,
    voided_at timestamptz,
    CHECK (paid_at IS NULL OR voided_at IS NULL)
);
CREATE UNIQUE INDEX invoices_number_live ON invoices (team_id, number) WHERE voided_at IS NULL;
CREATE UNIQUE INDEX invoices_email_lower ON invoices (team_id, lower(billing_email));

CREATE TABLE audit_events (             -- a check only the server can evaluate: rows it refuses
    id bigserial PRIMARY KEY,           -- are dropped and counted
    team_id uuid NOT NULL REFERENCES teams (id),
    sequence_no bigint NOT NULL CHECK (is_even(sequence_no)),
    payload jsonb,
    occurred_at timestamptz NOT NULL
);
