-- fleetgate U2: undoes V2__driver_execution.sql (workspaces, delivery batches, stops, the driver
-- event log, the quarantine and the append-only trigger function).
-- DROPS THEIR DATA. Run it only after U3..U5, as the role that owns the tables, in one
-- transaction. No CASCADE: if a host's own object depends on one of these, nothing is dropped.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 2;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Dropping a table drops its indexes, constraints, triggers and identity sequence; the trigger
-- function goes last, once no trigger uses it.

DROP TABLE IF EXISTS quarantined_events;
DROP TABLE IF EXISTS driver_events;
DROP TABLE IF EXISTS batch_stops;
DROP TABLE IF EXISTS delivery_batches;
DROP TABLE IF EXISTS workspaces;
DROP FUNCTION IF EXISTS fleetgate_refuse_change();
