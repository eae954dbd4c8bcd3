-- drift_order_totals.sql: orders whose stored subtotal disagrees with the sum of their line
-- items (RISK-INTEGRITY-007). Orders without line items are not counted.
SELECT count(*) AS drifted, coalesce(max(abs(r.subtotal - t.sub)), 0) AS max_gap,
       (SELECT count(*) FROM public.orders) AS total
FROM public.orders r
JOIN (SELECT order_id, sum(line_total) AS sub FROM public.order_line_items GROUP BY order_id) t ON t.order_id = r.id
WHERE r.subtotal <> t.sub
