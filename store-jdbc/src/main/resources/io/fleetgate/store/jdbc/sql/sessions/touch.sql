-- Records activity at most once per resolution: writes only when the last activity is stale.
UPDATE driver_sessions
SET last_active_at = :now
WHERE id = :id AND invalidated_at IS NULL AND last_active_at < :stale_before
