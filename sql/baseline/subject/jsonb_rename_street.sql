-- The JSONB half of RISK-OPS-006's example: rename the key "street" of every address object in
-- customers.addresses to "line1" (the seeded payload uses "street"; the premortem's interface
-- calls it street1). Only arrays that still carry the old key are touched; anything that is not
-- an array (a known anomaly) is left alone, and a real migration would have to decide for it.
UPDATE public.customers AS c
SET addresses = (
    SELECT jsonb_agg(CASE WHEN e ? 'street' THEN (e - 'street') || jsonb_build_object('line1', e -> 'street') ELSE e END
                     ORDER BY i)
    FROM jsonb_array_elements(c.addresses) WITH ORDINALITY AS a(e, i)
)
WHERE jsonb_typeof(c.addresses) = 'array' AND c.addresses @? '$[*].street'
