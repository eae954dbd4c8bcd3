-- 0300_partition_append_only_by_month / revert
-- Plain tables again, with every row: the bodies go back into email_history first (added to the
-- partitioned table, which is copied and dropped next, so the restored heap has no dead rows),
-- then each table is rebuilt by the helpers apply.sql created, which restore every constraint,
-- index, policy, trigger and RLS flag under its name, the primary keys back to (id). The helpers
-- are dropped last. The caller wraps this script in a transaction.

ALTER TABLE public.email_history ADD COLUMN body_html text, ADD COLUMN body_text text;
UPDATE public.email_history AS e
SET body_html = b.body_html, body_text = b.body_text
FROM public.email_bodies AS b
WHERE b.email_id = e.id AND b.created_at = e.created_at;
DROP TABLE public.email_bodies;
ALTER TABLE public.email_history DROP CONSTRAINT email_history_tenant_email_key;

SELECT _workbench.rebuild_table('email_history', false);
SELECT _workbench.rebuild_table('activities', false);
SELECT _workbench.rebuild_table('inventory_movements', false);

DROP FUNCTION _workbench.rebuild_table(text, boolean, text[]);
DROP FUNCTION _workbench.partition_span(text);
DROP FUNCTION _workbench.add_month_partitions(text, text, timestamp, timestamp);
DROP FUNCTION _workbench.table_objects_ddl(text, text, text);
