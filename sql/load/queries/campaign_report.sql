-- campaign_report: email campaign performance: sent, opened and open rate per campaign.
SELECT campaign_id, count(*) AS sent, count(opened_at) AS opened,
       round(100.0 * count(opened_at) / nullif(count(*), 0), 1) AS open_rate
FROM public.email_history
WHERE organization_id = %(org)s AND sent_at >= now() - interval '180 days'
GROUP BY campaign_id
ORDER BY sent DESC
