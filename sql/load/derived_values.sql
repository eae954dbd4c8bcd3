-- derived_values.sql: which derived values the database keeps itself, so the application's
-- write path leaves them alone (a generated column cannot be written; a trigger-maintained
-- subtotal would be overwritten with a stale figure): quantity_available generated?, order
-- subtotal kept by a trigger on order_line_items?, balance_due generated?, email bodies moved
-- out of email_history into email_bodies?
SELECT
    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'public.inventory'::regclass AND attname = 'quantity_available' AND attgenerated <> ''),
    EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = 'public.order_line_items'::regclass AND NOT tgisinternal),
    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'public.orders'::regclass AND attname = 'balance_due' AND attgenerated <> ''),
    NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'public.email_history'::regclass AND attname = 'body_text' AND NOT attisdropped) AND to_regclass('public.email_bodies') IS NOT NULL
