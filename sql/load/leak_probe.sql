-- leak_probe.sql: the tenant a client that set none sees on its pooled server connection.
SELECT NULLIF(current_setting('app.organization_id', true), '')
