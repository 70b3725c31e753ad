-- fleetgate U1: undoes V1__exclusive_sessions.sql (chargers, merchants, exclusive sessions).
-- DROPS THEIR DATA. Run it only after U2..U5 (a later version may depend on these tables), as
-- the role that owns the tables, in one transaction. No CASCADE: if a host's own view or foreign
-- key depends on a table, the statement fails and nothing is dropped.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 1;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Dropping a table drops its indexes and constraints.

DROP TABLE IF EXISTS exclusive_sessions;
DROP TABLE IF EXISTS merchants;
DROP TABLE IF EXISTS chargers;
