-- Marks up to :limit due sessions EXPIRED. SKIP LOCKED lets sweepers on several instances share
-- the work instead of queueing on the same rows. The ids are picked in a CTE, which PostgreSQL
-- evaluates once: an IN (subquery … LIMIT) may be rescanned by the planner and exceed the limit.
-- The due sessions are read on ix_exclusive_sessions_active_expires (V19), which holds ACTIVE ones
-- only. FOR UPDATE re-checks each row's newest version against the WHERE before locking it, so a
-- session another sweeper expired is not picked, and the lock keeps a picked one ACTIVE until this
-- UPDATE: the rows are then updated by primary key alone, through = ANY (ARRAY(…)). (A join with
-- the CTE, or a status test here, let the generic plan, :limit unknown, read every ACTIVE session
-- to update a few.)
WITH due AS (
    SELECT id FROM exclusive_sessions
    WHERE status = 'ACTIVE' AND expires_at <= :now
    ORDER BY expires_at
    LIMIT :limit
    FOR UPDATE SKIP LOCKED)
UPDATE exclusive_sessions s
SET status = 'EXPIRED', updated_at = :now
WHERE s.id = ANY (ARRAY(SELECT id FROM due))
RETURNING s.*
