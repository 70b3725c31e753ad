-- fleetgate V19: the exclusive sessions' sweep reads only the ACTIVE sessions, however many have
-- finished (issue #19, item 5; docs/benchmarks.md, "Cost flat as data grows"). Indexes only: no row
-- changes.
--
-- ix_exclusive_sessions_active_expires (expires_at) WHERE status = 'ACTIVE': expire_due's range
--   scan, in expiry order and stopped by its LIMIT, over ACTIVE sessions alone. It replaces V1's
--   ix_exclusive_sessions_status_expires (status, expires_at) and ix_exclusive_sessions_expires
--   (expires_at), which no other statement reads. With those, PostgreSQL's generic plan for the
--   prepared sweep (what a pooled connection runs after five executions) walked
--   ix_exclusive_sessions_expires in order and dropped by filter every finished session whose
--   expiry had passed: with 100,000 finished sessions a sweep that found nothing read 2,776 pages
--   (17 ms) against 29 with 1,000; on this index it reads two on both.
--
-- Re-runnable: CREATE INDEX IF NOT EXISTS, DROP INDEX IF EXISTS.

CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_active_expires
    ON exclusive_sessions (expires_at) WHERE status = 'ACTIVE';
DROP INDEX IF EXISTS ix_exclusive_sessions_status_expires;
DROP INDEX IF EXISTS ix_exclusive_sessions_expires;
