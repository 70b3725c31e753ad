-- fleetgate U14: undoes V14__change_feed.sql: the triggers on driver_events, delivery_batches,
-- quarantined_events, position_alerts and event_reviews, the function fleetgate_record_change(),
-- the tables changes and change_floors (their indexes, triggers and policies go with them) and the
-- sequence changes_seq. Keeps every row of the other tables, but EVERY CHANGE OF THE FEED IS LOST
-- (cursors handed out stop working). Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 14;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP TRIGGER IF EXISTS changes_from_driver_events ON driver_events;
DROP TRIGGER IF EXISTS changes_from_delivery_batches ON delivery_batches;
DROP TRIGGER IF EXISTS changes_from_quarantined_events ON quarantined_events;
DROP TRIGGER IF EXISTS changes_from_position_alerts ON position_alerts;
DROP TRIGGER IF EXISTS changes_from_event_reviews ON event_reviews;
DROP FUNCTION IF EXISTS fleetgate_record_change();
DROP TABLE IF EXISTS change_floors;
DROP TABLE IF EXISTS changes;
DROP SEQUENCE IF EXISTS changes_seq;
