-- Whether a table (regclass text) has a column of this name.
SELECT 1 FROM pg_attribute WHERE attrelid = %(table)s::regclass AND attname = %(column)s AND NOT attisdropped
