-- 0010_contacts_flags_boolean / revert
-- Puts contacts.is_primary and contacts.is_decision_maker back exactly as in the baseline:
-- uuid, nullable, no default, same column positions (ALTER COLUMN ... TYPE keeps the attribute
-- in place; a drop/add would move it to the end and leave a dropped-column slot behind).
--
-- DATA LOSS, by necessity: a boolean cannot round-trip to the uuid it came from (apply maps any
-- uuid to true, and there is no boolean -> uuid cast), so every flag becomes NULL.
-- The default is dropped before the type change: "false" cannot be converted to uuid, and in a
-- single ALTER TABLE PostgreSQL runs DROP DEFAULT before the type change.
-- The caller wraps this script in a transaction.

ALTER TABLE public.contacts
    ALTER COLUMN is_primary        DROP DEFAULT,
    ALTER COLUMN is_primary        DROP NOT NULL,
    ALTER COLUMN is_primary        SET DATA TYPE uuid USING NULL::uuid,
    ALTER COLUMN is_decision_maker DROP DEFAULT,
    ALTER COLUMN is_decision_maker DROP NOT NULL,
    ALTER COLUMN is_decision_maker SET DATA TYPE uuid USING NULL::uuid;
