-- Marks up to :limit due sessions EXPIRED. SKIP LOCKED lets sweepers on several instances share
-- the work instead of queueing on the same rows. The ids are picked in a CTE, which PostgreSQL
-- evaluates once: an IN (subquery … LIMIT) may be rescanned by the planner and exceed the limit.
WITH due AS (
    SELECT id FROM exclusive_sessions
    WHERE status = 'ACTIVE' AND expires_at <= :now
    ORDER BY expires_at
    LIMIT :limit
    FOR UPDATE SKIP LOCKED)
UPDATE exclusive_sessions s
SET status = 'EXPIRED', updated_at = :now
FROM due
WHERE s.id = due.id AND s.status = 'ACTIVE'
RETURNING s.*
