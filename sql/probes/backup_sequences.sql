-- Every sequence's position: a restore that resets one hands out ids already used.
SELECT schemaname || '.' || sequencename, coalesce(last_value, 0), increment_by, data_type::text
FROM pg_sequences
ORDER BY 1
