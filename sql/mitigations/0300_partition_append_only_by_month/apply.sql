-- 0300_partition_append_only_by_month / apply
-- RISK-SCALE-001/002/003 (fact 11): email_history, activities and inventory_movements become
-- monthly RANGE partitions on created_at; email bodies move to email_bodies (same partitions).
--
-- The tables are rebuilt generically, not from a hand-written copy of their DDL, because what
-- they carry depends on the units applied before this one (composite tenant FKs, CHECKs, forced
-- RLS and policies, extra indexes): every constraint, index, policy, trigger and the RLS flags of
-- the plain table are read from the catalog and recreated with the same names and definitions
-- on the partitioned one. Only the primary key changes: a partitioned table's unique keys must
-- contain the partition key, so (id) becomes (id, created_at); revert.sql takes created_at out
-- again. The helpers live in the workbench's bookkeeping schema (_workbench, outside the
-- fingerprint) so revert.sql uses the same code in another session; revert.sql drops them.
-- Rows are moved (INSERT ... SELECT), never lost; the caller wraps this script in a transaction.

-- Statements that recreate the constraints, indexes, triggers and policies of public.<tbl>, in
-- an order that works (unique keys before the rest). key_mode 'add' appends created_at to the
-- primary and unique keys, 'remove' takes it out, anything else keeps them as they are.
CREATE OR REPLACE FUNCTION _workbench.table_objects_ddl(tbl text, target text, key_mode text)
RETURNS SETOF text
LANGUAGE sql
STABLE
AS $$
    SELECT ddl FROM (
        SELECT CASE WHEN con.contype IN ('p', 'u') THEN 0 ELSE 1 END AS step, con.conname::text AS name,
               format('ALTER TABLE public.%I ADD CONSTRAINT %I %s', target, con.conname,
                      CASE WHEN con.contype IN ('p', 'u') AND key_mode = 'add'
                           THEN regexp_replace(pg_get_constraintdef(con.oid), '^((PRIMARY KEY|UNIQUE) \([^)]*)\)', '\1, created_at)')
                           WHEN con.contype IN ('p', 'u') AND key_mode = 'remove'
                           THEN regexp_replace(pg_get_constraintdef(con.oid), ', created_at\)', ')')
                           ELSE pg_get_constraintdef(con.oid) END) AS ddl
        FROM pg_constraint con
        WHERE con.conrelid = format('public.%I', tbl)::regclass AND con.contype <> 'n'
        UNION ALL
        SELECT 2, i.relname::text, replace(pg_get_indexdef(x.indexrelid), ' ON ONLY ', ' ON ')
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = format('public.%I', tbl)::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
        UNION ALL
        SELECT 3, t.tgname::text, pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        WHERE t.tgrelid = format('public.%I', tbl)::regclass AND NOT t.tgisinternal
        UNION ALL
        SELECT 4, p.polname::text,
               format('CREATE POLICY %I ON public.%I AS %s FOR %s TO %s%s%s', p.polname, target,
                      CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                      CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                    WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                      (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ', ')
                       FROM unnest(p.polroles) AS r),
                      ' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                      ' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')')
        FROM pg_policy p
        WHERE p.polrelid = format('public.%I', tbl)::regclass
    ) AS objects
    ORDER BY step, name
$$;

-- Monthly partitions of public.<parent> named <prefix>_YYYY_MM for the UTC months [lo, hi), a
-- DEFAULT partition <prefix>_default, and no direct access to them for the API roles.
CREATE OR REPLACE FUNCTION _workbench.add_month_partitions(parent text, prefix text, lo timestamp, hi timestamp)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    m timestamp := date_trunc('month', lo);
    part text;
BEGIN
    WHILE m < hi LOOP
        part := prefix || '_' || to_char(m, 'YYYY_MM');
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                       part, parent, m::text || '+00', (m + interval '1 month')::text || '+00');
        EXECUTE format('REVOKE ALL ON TABLE public.%I FROM anon, authenticated', part);
        m := m + interval '1 month';
    END LOOP;
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I DEFAULT', prefix || '_default', parent);
    EXECUTE format('REVOKE ALL ON TABLE public.%I FROM anon, authenticated', prefix || '_default');
END;
$$;

-- The UTC months a partitioned public.<tbl> gets: 24 back (or from its oldest row) to 3 ahead.
CREATE OR REPLACE FUNCTION _workbench.partition_span(tbl text, OUT lo timestamp, OUT hi timestamp)
LANGUAGE plpgsql
AS $$
DECLARE
    oldest timestamptz;
    newest timestamptz;
    this_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
BEGIN
    EXECUTE format('SELECT min(created_at), max(created_at) FROM public.%I', tbl) INTO oldest, newest;
    lo := least(this_month - interval '24 months', date_trunc('month', oldest AT TIME ZONE 'UTC'));
    hi := greatest(this_month + interval '3 months', date_trunc('month', newest AT TIME ZONE 'UTC') + interval '1 month');
END;
$$;

-- Rebuild public.<tbl> as a partitioned (to_partitioned) or a plain table: same columns (less
-- drop_columns), defaults, generated columns and storage; rows moved; then the same objects.
CREATE OR REPLACE FUNCTION _workbench.rebuild_table(tbl text, to_partitioned boolean, drop_columns text[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    fresh text := tbl || '__rebuild';
    objects text[];
    rls boolean;
    force_rls boolean;
    span record;
    cols text;
    col text;
    stmt text;
BEGIN
    objects := array(SELECT _workbench.table_objects_ddl(tbl, tbl, CASE WHEN to_partitioned THEN 'add' ELSE 'remove' END));
    SELECT relrowsecurity, relforcerowsecurity INTO rls, force_rls FROM pg_class WHERE oid = format('public.%I', tbl)::regclass;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING GENERATED '
                   'INCLUDING STORAGE INCLUDING IDENTITY INCLUDING COMPRESSION)%s',
                   fresh, tbl, CASE WHEN to_partitioned THEN ' PARTITION BY RANGE (created_at)' ELSE '' END);
    FOREACH col IN ARRAY drop_columns LOOP
        EXECUTE format('ALTER TABLE public.%I DROP COLUMN %I', fresh, col);
    END LOOP;
    IF to_partitioned THEN
        span := _workbench.partition_span(tbl);
        PERFORM _workbench.add_month_partitions(fresh, tbl, span.lo, span.hi);
    END IF;
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = format('public.%I', fresh)::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
    EXECUTE format('INSERT INTO public.%I (%s) SELECT %s FROM public.%I', fresh, cols, cols, tbl);
    EXECUTE format('DROP TABLE public.%I', tbl);
    EXECUTE format('ALTER TABLE public.%I RENAME TO %I', fresh, tbl);
    FOREACH stmt IN ARRAY objects LOOP
        EXECUTE stmt;
    END LOOP;
    IF rls THEN
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tbl);
    END IF;
    IF force_rls THEN
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', tbl);
    END IF;
END;
$$;

-- Email bodies first, out of the plain email_history (so they are never copied twice).
CREATE TABLE public.email_bodies__rebuild (
    email_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    body_html text,
    body_text text
) PARTITION BY RANGE (created_at);
SELECT _workbench.add_month_partitions('email_bodies__rebuild', 'email_bodies', lo, hi)
FROM _workbench.partition_span('email_history');
INSERT INTO public.email_bodies__rebuild (email_id, organization_id, created_at, body_html, body_text)
SELECT id, organization_id, created_at, body_html, body_text
FROM public.email_history
WHERE body_html IS NOT NULL OR body_text IS NOT NULL;
ALTER TABLE public.email_bodies__rebuild RENAME TO email_bodies;

SELECT _workbench.rebuild_table('email_history', true, ARRAY['body_html', 'body_text']);
SELECT _workbench.rebuild_table('activities', true);
SELECT _workbench.rebuild_table('inventory_movements', true);

-- email_bodies belongs to its email and to the email's tenant: a composite key through the
-- tenant column (a body can never hang off another organization's email), the same tenant FK
-- (if an earlier unit gave email_history one), the same RLS flags and policies as email_history.
ALTER TABLE public.email_history
    ADD CONSTRAINT email_history_tenant_email_key UNIQUE (organization_id, id, created_at);
ALTER TABLE public.email_bodies
    ADD CONSTRAINT email_bodies_pkey PRIMARY KEY (email_id, created_at),
    ADD CONSTRAINT email_bodies_email_id_email_history_fk FOREIGN KEY (organization_id, email_id, created_at)
        REFERENCES public.email_history (organization_id, id, created_at) ON DELETE CASCADE;
-- deleting an organization (its FK cascades, when there is one) finds its bodies by index
CREATE INDEX idx_email_bodies_org_created ON public.email_bodies USING btree (organization_id, created_at);
DO $$
DECLARE
    stmt text;
BEGIN
    FOR stmt IN
        SELECT format('ALTER TABLE public.email_bodies ADD CONSTRAINT email_bodies_organization_id_fk %s',
                      pg_get_constraintdef(con.oid))
        FROM pg_constraint con
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
        WHERE con.conrelid = 'public.email_history'::regclass AND con.contype = 'f'
          AND cardinality(con.conkey) = 1 AND a.attname = 'organization_id'
        UNION ALL
        SELECT ddl FROM _workbench.table_objects_ddl('email_history', 'email_bodies', 'keep') AS ddl
        WHERE ddl LIKE 'CREATE POLICY %'
        UNION ALL
        SELECT 'ALTER TABLE public.email_bodies ENABLE ROW LEVEL SECURITY'
        FROM pg_class WHERE oid = 'public.email_history'::regclass AND relrowsecurity
        UNION ALL
        SELECT 'ALTER TABLE public.email_bodies FORCE ROW LEVEL SECURITY'
        FROM pg_class WHERE oid = 'public.email_history'::regclass AND relforcerowsecurity
    LOOP
        EXECUTE stmt;
    END LOOP;
END;
$$;
