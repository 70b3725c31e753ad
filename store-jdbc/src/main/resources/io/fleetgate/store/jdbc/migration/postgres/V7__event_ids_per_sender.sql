-- fleetgate V7: event ids are unique per sender, not globally (issue 14: one driver can neither
-- squat nor probe another's event id).
--
-- Event ids are made by the client. While they were the table's primary key, a driver could
-- learn whether an id was in use anywhere (EVENT_ID_CONFLICT) and take an id another driver's
-- phone would use later. Now an id is unique per (workspace_id, actor_id): the sender's own
-- events in the batch's workspace. Replay-safety stays: the same event resent by its sender meets
-- its own row (DUPLICATE); another sender's use of the same id is a different key, invisible to
-- both. "One log per batch replays to its status" is V2's UNIQUE (batch_id, batch_version),
-- unchanged. workspace_id leads the key so that the index keeps Citus's rule (the distribution
-- column in every unique index; see ARCHITECTURE.md).
--
-- No row changes. Every statement is re-runnable.

ALTER TABLE driver_events DROP CONSTRAINT IF EXISTS driver_events_pkey;

-- The sender's event ids: the arbiter of the store's INSERT … ON CONFLICT and the dedupe lookup.
CREATE UNIQUE INDEX IF NOT EXISTS ux_driver_events_sender_event
    ON driver_events (workspace_id, actor_id, event_id);

-- Lookups by event id alone (review items, which name a flagged event by its id).
CREATE INDEX IF NOT EXISTS ix_driver_events_event_id ON driver_events (event_id);
