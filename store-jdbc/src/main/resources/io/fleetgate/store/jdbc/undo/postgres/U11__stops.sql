-- fleetgate U11: undoes V11__stops.sql: the policy and the privilege that let the runtime role
-- delete stops, then the columns V11 added to batch_stops, delivery_batches and driver_events.
-- Keeps every row, but THEIR STOP IDS, WINDOWS, PROOF REQUIREMENTS, CODE HASHES, STOP PROGRESS,
-- REMOVED STOPS AND EVENTS' STOP IDS ARE LOST (a library before V11 reads each batch's progress
-- from visited_stops again). Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 11;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Dropping a column drops its CHECK and NOT NULL constraints and any index on it; the index goes
-- first anyway, as on SQLite. Dropping a column of driver_events rewrites no row, so the
-- append-only triggers do not fire.

DROP POLICY IF EXISTS batch_stops_delete ON batch_stops;
REVOKE DELETE ON batch_stops FROM fleetgate_runtime;

ALTER TABLE driver_events DROP COLUMN IF EXISTS stop_id;

ALTER TABLE delivery_batches DROP COLUMN IF EXISTS removed_stops;
ALTER TABLE delivery_batches DROP COLUMN IF EXISTS stop_progress;

DROP INDEX IF EXISTS ux_batch_stops_stop_id;
ALTER TABLE batch_stops DROP COLUMN IF EXISTS code_hash;
ALTER TABLE batch_stops DROP COLUMN IF EXISTS proof;
ALTER TABLE batch_stops DROP COLUMN IF EXISTS window_latest;
ALTER TABLE batch_stops DROP COLUMN IF EXISTS window_earliest;
ALTER TABLE batch_stops DROP COLUMN IF EXISTS stop_id;
