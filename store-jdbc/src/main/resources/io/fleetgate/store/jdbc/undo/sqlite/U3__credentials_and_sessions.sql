-- fleetgate U3: undoes V3__credentials_and_sessions.sql (user credentials, failed-login counts,
-- device sessions).
-- DROPS THEIR DATA. Run it only after U4..U5, in one transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 3;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Children before parents (foreign keys); dropping a table drops its indexes.

DROP TABLE IF EXISTS driver_sessions;
DROP TABLE IF EXISTS login_attempts;
DROP TABLE IF EXISTS user_credentials;
