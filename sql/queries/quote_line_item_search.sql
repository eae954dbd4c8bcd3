-- name: quote_line_item_search
-- screen: Quotes: find quotes containing a product (JSONB containment on line_items)
-- risks: RISK-SCALE-005
-- params: org_id, sku
SELECT id, quote_number, status, quote_date, total
FROM quotes
WHERE organization_id = %(org_id)s
  AND line_items @> jsonb_build_array(jsonb_build_object('sku', %(sku)s::text))
ORDER BY quote_date DESC
LIMIT 100
