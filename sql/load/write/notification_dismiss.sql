-- notification_dismiss: a user dismisses their oldest unread notification.
UPDATE public.notifications SET status = 'dismissed', dismissed_at = now(), updated_at = now()
WHERE id = (SELECT id FROM public.notifications WHERE organization_id = %(org)s AND user_id = %(user_id)s AND status <> 'dismissed'
            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
