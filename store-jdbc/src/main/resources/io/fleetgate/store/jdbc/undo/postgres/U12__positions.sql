-- fleetgate U12: undoes V12__positions.sql: the tables driver_fixes, driver_presence and
-- position_alerts (their indexes, triggers, policies and privileges go with them), the index on
-- driver_events for unconfirmed arrivals, and the columns V12 added to batch_stops and
-- delivery_batches. Keeps every row of the other tables, but EVERY FIX, EVERY DRIVER'S PRESENCE,
-- EVERY POSITION ALERT, STOPS' POLYGONS AND BATCHES' CORRIDORS ARE LOST (review records of alerts
-- stay in event_reviews, naming items that no longer exist). Run it as the owner, in one
-- transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 12;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Dropping an index of driver_events or a column of batch_stops and delivery_batches rewrites
-- no row, so no trigger fires. corridor_width_m goes before route: its CHECK names route.

DROP TABLE IF EXISTS position_alerts;
DROP TABLE IF EXISTS driver_presence;
DROP TABLE IF EXISTS driver_fixes;

DROP INDEX IF EXISTS ix_driver_events_unconfirmed_arrivals;

ALTER TABLE delivery_batches DROP COLUMN IF EXISTS corridor_width_m;
ALTER TABLE delivery_batches DROP COLUMN IF EXISTS route;

ALTER TABLE batch_stops DROP COLUMN IF EXISTS polygon;
