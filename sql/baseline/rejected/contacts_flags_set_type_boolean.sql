-- contacts_flags_set_type_boolean.sql
-- Evidence for fact 1 / RISK-INTEGRITY-001: the project's later "fix", changing the flag's type
-- without a USING clause. NOT part of the baseline; a probe runs it, with search_path set to a
-- scratch schema, against a contacts table whose is_primary column is uuid (as in the baseline).
--
-- Expected PostgreSQL error (SQLSTATE 42804, datatype_mismatch):
--   ERROR:  column "is_primary" cannot be cast automatically to type boolean
--   HINT:  You might need to specify "USING is_primary::boolean".
-- Following the hint does not help: "USING is_primary::boolean" fails with
--   ERROR:  cannot cast type uuid to boolean   (SQLSTATE 42846, cannot_coerce)
-- because PostgreSQL has no uuid -> boolean cast at all.

ALTER TABLE contacts ALTER COLUMN is_primary SET DATA TYPE boolean;
