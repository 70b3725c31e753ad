-- fleetgate U7: undoes V7__event_ids_per_sender.sql (event ids unique per sender): event_id is
-- the primary key of driver_events again.
-- Keeps every row, but FAILS (and changes nothing) if two senders have used the same event id
-- since V7: the ids are then no longer globally unique and the primary key cannot be rebuilt.
-- Run it as the role that owns the tables, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 7;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP INDEX IF EXISTS ix_driver_events_event_id;
DROP INDEX IF EXISTS ux_driver_events_sender_event;
ALTER TABLE driver_events ADD CONSTRAINT driver_events_pkey PRIMARY KEY (event_id);
