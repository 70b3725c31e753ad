-- Compare-and-set: only a session still ACTIVE and due is marked EXPIRED.
UPDATE exclusive_sessions
SET status = 'EXPIRED', updated_at = :now
WHERE id = :id AND status = 'ACTIVE' AND expires_at <= :now
RETURNING *
