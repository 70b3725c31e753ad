-- Marks up to :limit due sessions EXPIRED; the status test in the outer WHERE keeps two sweepers
-- from both reporting the same row.
UPDATE exclusive_sessions
SET status = 'EXPIRED', updated_at = :now
WHERE id IN (SELECT id FROM exclusive_sessions
             WHERE status = 'ACTIVE' AND expires_at <= :now
             ORDER BY expires_at
             LIMIT :limit)
  AND status = 'ACTIVE'
RETURNING *
