-- fleetgate U18: undoes V18__flat_sweep_and_queue.sql: drops the triggers that keep
-- driver_presence.on_route_batch_id and open_review_items, the table open_review_items (its rows
-- are derived: every item is still in its own table), the index ix_driver_presence_silent and the
-- column on_route_batch_id. No row of any other table changes. Run it in one transaction
-- (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 18;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP TRIGGER IF EXISTS driver_presence_on_route;
DROP TRIGGER IF EXISTS driver_presence_from_batch_insert;
DROP TRIGGER IF EXISTS driver_presence_from_batch_update;
DROP TRIGGER IF EXISTS driver_presence_from_batch_delete;
DROP TRIGGER IF EXISTS open_review_items_from_driver_events;
DROP TRIGGER IF EXISTS open_review_items_from_quarantined_events;
DROP TRIGGER IF EXISTS open_review_items_from_alert_insert;
DROP TRIGGER IF EXISTS open_review_items_from_alert_merge;
DROP TRIGGER IF EXISTS open_review_items_from_event_reviews;
DROP TABLE IF EXISTS open_review_items;
DROP INDEX IF EXISTS ix_driver_presence_silent;
ALTER TABLE driver_presence DROP COLUMN on_route_batch_id;
