-- fleetgate U6: undoes V6__login_attempts.sql: drops the security audit (ITS ROWS ARE LOST), the
-- per-source counts and the two columns V6 added to login_attempts (counts stay; locks keep
-- their current end). The triggers go with their table.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 6;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
DROP TABLE IF EXISTS security_audit;
DROP TABLE IF EXISTS login_source_attempts;
ALTER TABLE login_attempts DROP COLUMN granted;
ALTER TABLE login_attempts DROP COLUMN lock_count;
