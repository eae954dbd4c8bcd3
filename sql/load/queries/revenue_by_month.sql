-- revenue_by_month: the dashboard's revenue report over a long window.
SELECT date_trunc('month', order_date) AS month, count(*) AS orders, sum(total) AS revenue
FROM public.orders
WHERE organization_id = %(org)s AND deleted_at IS NULL AND order_date >= current_date - 365
GROUP BY 1
ORDER BY 1
