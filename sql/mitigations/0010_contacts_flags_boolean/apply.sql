-- 0010_contacts_flags_boolean / apply
-- RISK-INTEGRITY-001: contacts.is_primary and contacts.is_decision_maker become
-- boolean NOT NULL DEFAULT false.
--
-- uuid has no cast to boolean, so the type change needs an explicit USING expression. Choice:
-- USING (<column> IS NOT NULL), i.e. a row that holds any uuid becomes true, a NULL becomes false.
--   * With the baseline the only way a flag can be non-NULL is that the application wrote a
--     value into it on purpose, which can only have meant "set"; NULL (the only other state,
--     there being no default) means "not set". This keeps whatever signal exists instead of
--     discarding it (USING NULL::boolean would).
--   * The mapping is total, so no NULL remains: SET NOT NULL succeeds without a separate backfill
--     UPDATE, and the whole change is ONE ALTER TABLE, i.e. one table rewrite under one
--     ACCESS EXCLUSIVE lock (an UPDATE backfill would rewrite every row a second time).
-- Within one ALTER TABLE PostgreSQL runs the type change before SET DEFAULT / SET NOT NULL.
-- The caller wraps this script in a transaction.

ALTER TABLE public.contacts
    ALTER COLUMN is_primary        SET DATA TYPE boolean USING (is_primary IS NOT NULL),
    ALTER COLUMN is_primary        SET DEFAULT false,
    ALTER COLUMN is_primary        SET NOT NULL,
    ALTER COLUMN is_decision_maker SET DATA TYPE boolean USING (is_decision_maker IS NOT NULL),
    ALTER COLUMN is_decision_maker SET DEFAULT false,
    ALTER COLUMN is_decision_maker SET NOT NULL;
