-- The listed users' sessions that have not been invalidated (one per user at most:
-- ux_driver_sessions_one_current): the status board's page, in one read.
SELECT * FROM driver_sessions WHERE user_id IN (<ids>) AND invalidated_at IS NULL
