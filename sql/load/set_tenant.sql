-- set_tenant.sql: the per-transaction context every request runs under (PostgREST style):
-- the role (so RLS applies) and the tenant, both local to the transaction so nothing leaks to
-- the next client of a transaction-mode pooler.
SELECT set_config('role', %(role)s, true), set_config('app.organization_id', %(org)s, true)
