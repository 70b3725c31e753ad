-- Compare-and-set on status: ends the driver's ACTIVE session as :target, or as EXPIRED if it is due.
UPDATE exclusive_sessions
SET status       = CASE WHEN expires_at <= :now THEN 'EXPIRED' ELSE :target END,
    completed_at = CASE WHEN expires_at > :now AND :target = 'COMPLETED' THEN :now ELSE completed_at END,
    updated_at   = :now
WHERE id = :id AND driver_id = :driver_id AND status = 'ACTIVE'
RETURNING *
