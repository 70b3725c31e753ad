-- fleetgate U2: undoes V2__driver_execution.sql (workspaces, delivery batches, stops, the driver
-- event log and the quarantine).
-- DROPS THEIR DATA. Run it only after U3..U5, in one transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 2;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Children before parents (foreign keys). Dropping a table drops its indexes and triggers; the
-- append-only triggers do not fire on DROP TABLE.

DROP TABLE IF EXISTS quarantined_events;
DROP TABLE IF EXISTS driver_events;
DROP TABLE IF EXISTS batch_stops;
DROP TABLE IF EXISTS delivery_batches;
DROP TABLE IF EXISTS workspaces;
