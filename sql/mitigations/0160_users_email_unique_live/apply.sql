-- 0160_users_email_unique_live / apply
-- RISK-MT-005 (fact 8): users (organization_id, email) is unique over every row, soft-deleted
-- ones included, so a soft-deleted user's address can never be invited again in that
-- organization. The index becomes partial, like the customers/products/orders uniques:
-- unique among live rows only. Same name, so code and revert that name it keep working.
-- The caller wraps this script in a transaction.
DROP INDEX public.idx_users_email_org_unique;
CREATE UNIQUE INDEX idx_users_email_org_unique ON public.users USING btree (organization_id, email)
    WHERE deleted_at IS NULL;
