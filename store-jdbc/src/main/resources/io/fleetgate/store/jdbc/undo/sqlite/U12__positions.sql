-- fleetgate U12: undoes V12__positions.sql: the tables driver_fixes, driver_presence and
-- position_alerts (their indexes and triggers go with them), the index on driver_events for
-- unconfirmed arrivals, and the columns V12 added to batch_stops and delivery_batches.
-- Keeps every row of the other tables, but EVERY FIX, EVERY DRIVER'S PRESENCE, EVERY POSITION
-- ALERT, STOPS' POLYGONS AND BATCHES' CORRIDORS ARE LOST (review records of alerts stay in
-- event_reviews, naming items that no longer exist). Needs SQLite 3.35 or later (ALTER TABLE …
-- DROP COLUMN). Run it in one transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 12;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Columns go in the reverse order of V12, so each table's stored SQL reads as it did before V12
-- (corridor_width_m before route: its CHECK names route). DROP COLUMN rewrites the table's rows
-- without running UPDATE; DROP TABLE fires no trigger.

DROP TABLE IF EXISTS position_alerts;
DROP TABLE IF EXISTS driver_presence;
DROP TABLE IF EXISTS driver_fixes;

DROP INDEX IF EXISTS ix_driver_events_unconfirmed_arrivals;

ALTER TABLE delivery_batches DROP COLUMN corridor_width_m;
ALTER TABLE delivery_batches DROP COLUMN route;

ALTER TABLE batch_stops DROP COLUMN polygon;
