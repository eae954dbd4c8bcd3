-- 0110_derived_columns_generated / revert
-- Puts the three plain columns back as the baseline declares them (numeric, NOT NULL,
-- DEFAULT 0) and fills them with the values they were generated with, so no information is
-- lost. Column positions differ from the baseline (the fingerprint ignores positions).
-- The caller wraps this script in a transaction.

ALTER TABLE public.inventory
    ADD COLUMN quantity_available_plain numeric(10, 3) DEFAULT 0 NOT NULL,
    ADD COLUMN total_value_plain numeric(12, 2) DEFAULT 0 NOT NULL;
UPDATE public.inventory
   SET quantity_available_plain = quantity_available, total_value_plain = total_value;
ALTER TABLE public.inventory DROP COLUMN quantity_available, DROP COLUMN total_value;
ALTER TABLE public.inventory RENAME COLUMN quantity_available_plain TO quantity_available;
ALTER TABLE public.inventory RENAME COLUMN total_value_plain TO total_value;

ALTER TABLE public.opportunities ADD COLUMN weighted_value_plain numeric(12, 2) DEFAULT 0 NOT NULL;
UPDATE public.opportunities SET weighted_value_plain = weighted_value;
ALTER TABLE public.opportunities DROP COLUMN weighted_value;
ALTER TABLE public.opportunities RENAME COLUMN weighted_value_plain TO weighted_value;
