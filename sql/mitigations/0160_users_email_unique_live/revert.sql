-- 0160_users_email_unique_live / revert: the reviewed, total unique index. Fails (and rolls
-- back) if live and soft-deleted rows now share an address: that data would violate it.
DROP INDEX public.idx_users_email_org_unique;
CREATE UNIQUE INDEX idx_users_email_org_unique ON public.users USING btree (organization_id, email);
