-- fleetgate U11: undoes V11__stops.sql: the columns V11 added to batch_stops, delivery_batches and
-- driver_events, and the unique index on stop ids.
-- Keeps every row, but THEIR STOP IDS, WINDOWS, PROOF REQUIREMENTS, CODE HASHES, STOP PROGRESS,
-- REMOVED STOPS AND EVENTS' STOP IDS ARE LOST (a library before V11 reads each batch's progress
-- from visited_stops again). Needs SQLite 3.35 or later (ALTER TABLE … DROP COLUMN). Run it in
-- one transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 11;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- SQLite cannot drop an indexed column: the index goes first. Columns go in the reverse order of
-- V11, so each table's stored SQL reads as it did before V11. DROP COLUMN rewrites the table's
-- rows without running UPDATE, so the append-only triggers of driver_events do not fire.

DROP INDEX IF EXISTS ux_batch_stops_stop_id;

ALTER TABLE driver_events DROP COLUMN stop_id;

ALTER TABLE delivery_batches DROP COLUMN removed_stops;
ALTER TABLE delivery_batches DROP COLUMN stop_progress;

ALTER TABLE batch_stops DROP COLUMN code_hash;
ALTER TABLE batch_stops DROP COLUMN proof;
ALTER TABLE batch_stops DROP COLUMN window_latest;
ALTER TABLE batch_stops DROP COLUMN window_earliest;
ALTER TABLE batch_stops DROP COLUMN stop_id;
