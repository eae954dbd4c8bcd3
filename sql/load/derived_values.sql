-- available_derived.sql: whether inventory.quantity_available is a generated column, in which
-- case the application's write path must not (and cannot) write it.
SELECT is_generated = 'ALWAYS' FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'inventory' AND column_name = 'quantity_available'
