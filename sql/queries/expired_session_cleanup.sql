-- name: expired_session_cleanup
-- screen: Nightly job: delete sessions older than the cutoff (always rolled back here)
-- risks: RISK-SCALE-009
-- params: session_cutoff
-- writes: true
DELETE FROM user_sessions
WHERE created_at < %(session_cutoff)s
