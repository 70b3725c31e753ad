-- fleetgate U1: undoes V1__exclusive_sessions.sql (chargers, merchants, exclusive sessions).
-- DROPS THEIR DATA. Run it only after U2..U5, in one transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 1;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Children before parents (foreign keys); dropping a table drops its indexes.

DROP TABLE IF EXISTS exclusive_sessions;
DROP TABLE IF EXISTS merchants;
DROP TABLE IF EXISTS chargers;
