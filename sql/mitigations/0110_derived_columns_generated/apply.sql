-- 0110_derived_columns_generated / apply
-- RISK-INTEGRITY-002 (fact 7): inventory.quantity_available (= on hand - allocated),
-- inventory.total_value (= on hand x unit cost) and opportunities.weighted_value
-- (= estimated value x probability %) are stored values every writer must keep right by hand.
-- They become STORED generated columns: the database computes them, no writer can make them
-- drift, and writes that name them fail loudly. PostgreSQL cannot turn an existing column into
-- a generated one, so each is dropped and added again (it moves to the end of the table; the
-- catalog fingerprint lists columns by name). Writers (the seeder reads the catalog) simply stop
-- supplying them. Rounding to the column's scale keeps the declared types.
-- The caller wraps this script in a transaction.

ALTER TABLE public.inventory
    DROP COLUMN quantity_available,
    DROP COLUMN total_value,
    ADD COLUMN quantity_available numeric(10, 3) NOT NULL
        GENERATED ALWAYS AS (quantity_on_hand - quantity_allocated) STORED,
    ADD COLUMN total_value numeric(12, 2) NOT NULL
        GENERATED ALWAYS AS (round(quantity_on_hand * unit_cost, 2)) STORED;

ALTER TABLE public.opportunities
    DROP COLUMN weighted_value,
    ADD COLUMN weighted_value numeric(12, 2) NOT NULL
        GENERATED ALWAYS AS (round(estimated_value * coalesce(probability, 0) / 100, 2)) STORED;
