-- fleetgate U19: undoes V19__due_sessions_index.sql: V1's two expiry indexes back, the partial one
-- dropped (no row changes). Run it in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 19;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_status_expires
    ON exclusive_sessions (status, expires_at);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_expires ON exclusive_sessions (expires_at);
DROP INDEX IF EXISTS ix_exclusive_sessions_active_expires;
