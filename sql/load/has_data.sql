-- has_data.sql: whether the database already holds tenants with customers (seeded or fixture).
SELECT EXISTS (SELECT 1 FROM public.customers) AND EXISTS (SELECT 1 FROM public.organizations)
