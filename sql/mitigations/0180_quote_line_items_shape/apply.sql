-- 0180_quote_line_items_shape / apply
-- RISK-INTEGRITY-003 (fact 7): quotes.line_items is free JSONB; a line without a product, a
-- quantity of "two" or a bare string is stored as happily as a good line. A CHECK now requires
-- an array whose every element is an object carrying productId, description, quantity,
-- unitPrice and lineTotal, with quantity, unitPrice and lineTotal JSON numbers and quantity > 0.
-- The keys are the ones the application writes (camelCase, as in the seeder and the reviewed
-- QuoteLineItem type). NULL stays allowed (the column is nullable with DEFAULT '[]').
-- Honest limit: productId is still a string inside JSON, not a foreign key; a quote can name a
-- product that does not exist or belongs to another tenant. order_line_items is the relational
-- form of the same data; moving quotes to quote_line_items would close that (not done here).
-- jsonb_path_exists without _tz is immutable, so it may sit in a CHECK.
-- The caller wraps this script in a transaction.
ALTER TABLE public.quotes ADD CONSTRAINT quotes_line_items_shape CHECK (
    jsonb_typeof(line_items) = 'array'
    AND NOT jsonb_path_exists(line_items, '$[*] ? (@.type() != "object")')
    AND NOT jsonb_path_exists(line_items, '$[*] ? (!exists(@.productId) || !exists(@.description) || !exists(@.quantity) || !exists(@.unitPrice) || !exists(@.lineTotal))')
    AND NOT jsonb_path_exists(line_items, '$[*] ? (@.quantity.type() != "number" || @.unitPrice.type() != "number" || @.lineTotal.type() != "number")')
    AND NOT jsonb_path_exists(line_items, '$[*] ? (@.quantity <= 0)')
);
