-- Compare-and-set: ends a session only if it is still current.
UPDATE driver_sessions
SET invalidated_at = :now, invalidation_reason = :reason
WHERE id = :id AND invalidated_at IS NULL
