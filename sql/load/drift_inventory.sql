-- drift_inventory.sql: inventory rows whose stored quantity_available disagrees with
-- quantity_on_hand - quantity_allocated (RISK-INTEGRITY-002).
SELECT count(*) AS drifted,
       coalesce(max(abs(quantity_available - (quantity_on_hand - quantity_allocated))), 0) AS max_gap,
       (SELECT count(*) FROM public.inventory) AS total
FROM public.inventory
WHERE quantity_available <> quantity_on_hand - quantity_allocated
