-- set_tenant_session.sql: the WRONG way behind a transaction-mode pooler: a session-level
-- tenant that stays on the server connection after this client's transaction ends.
SELECT set_config('app.organization_id', %(org)s, false)
