-- contacts_flags_uuid_default_false.sql
-- Evidence for fact 1 / RISK-INTEGRITY-001: the contacts table as the initial migration declares
-- it, with is_primary and is_decision_maker of type uuid DEFAULT false. NOT part of the baseline;
-- a probe runs it with search_path set to a scratch schema (hence the unqualified name).
--
-- Expected PostgreSQL error (SQLSTATE 42804, datatype_mismatch), raised for the first such column:
--   ERROR:  column "is_primary" is of type uuid but default expression is of type boolean
--   HINT:  You will need to rewrite or cast the expression.
-- (Casting would not help either: there is no cast from boolean to uuid.)
--
-- The FK contacts.customer_id -> customers(id) ON DELETE CASCADE is omitted on purpose so that
-- the statement is self-contained and the only error is the one under test.

CREATE TABLE contacts (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,
    customer_id         uuid        NOT NULL,
    first_name          text        NOT NULL,
    last_name           text,
    email               text,
    phone               text,
    mobile              text,
    job_title           text,
    is_primary          uuid        DEFAULT false,
    is_decision_maker   uuid        DEFAULT false,
    notes               text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL,
    created_by          uuid,
    updated_by          uuid
);
