-- fleetgate U14: undoes V14__change_feed.sql: the triggers on driver_events, delivery_batches,
-- quarantined_events, position_alerts and event_reviews, and the tables changes and change_floors
-- (their indexes and triggers go with them). Keeps every row of the other tables, but EVERY
-- CHANGE OF THE FEED IS LOST (cursors handed out stop working). Run it in one transaction
-- (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 14;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP TRIGGER IF EXISTS changes_from_driver_events;
DROP TRIGGER IF EXISTS changes_from_batch_insert;
DROP TRIGGER IF EXISTS changes_from_batch_update;
DROP TRIGGER IF EXISTS changes_from_quarantined_events;
DROP TRIGGER IF EXISTS changes_from_alert_insert;
DROP TRIGGER IF EXISTS changes_from_alert_merge;
DROP TRIGGER IF EXISTS changes_from_event_reviews;
DROP TABLE IF EXISTS change_floors;
DROP TABLE IF EXISTS changes;
