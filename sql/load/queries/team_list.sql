-- team_list (load-specific, no catalog counterpart): the organization's users; `users` has RLS, so this one runs through the policies.
SELECT id, email, name, role, status FROM public.users
WHERE organization_id = %(org)s AND deleted_at IS NULL
ORDER BY email
