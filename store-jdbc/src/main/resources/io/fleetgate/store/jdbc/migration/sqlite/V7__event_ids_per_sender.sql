-- fleetgate V7: event ids are unique per sender, not globally (issue 14: one driver can neither
-- squat nor probe another's event id).
--
-- Event ids are made by the client. While they were the table's primary key, a driver could
-- learn whether an id was in use anywhere (EVENT_ID_CONFLICT) and take an id another driver's
-- phone would use later. Now an id is unique per (workspace_id, actor_id): the sender's own
-- events in the batch's workspace. Replay-safety stays: the same event resent by its sender meets
-- its own row (DUPLICATE); another sender's use of the same id is a different key, invisible to
-- both. "One log per batch replays to its status" is V2's UNIQUE (batch_id, batch_version),
-- unchanged. workspace_id leads the key, as on PostgreSQL.
--
-- SQLite cannot drop a primary key, so the table is rebuilt: same columns in the same order,
-- same CHECKs, V2's and V4's indexes and V2's append-only triggers, every row kept. The new
-- table is created under its own name (not renamed), so its stored SQL reads as V2's does.

-- 1. Keep the rows aside (a plain copy: no constraint, index or trigger).
DROP TABLE IF EXISTS driver_events_rebuild;
CREATE TABLE driver_events_rebuild AS SELECT * FROM driver_events;
-- 2. Drop the table (its indexes and triggers go with it; DROP TABLE fires no trigger).
DROP TABLE driver_events;
-- 3. Create it again, with its indexes and append-only triggers, and put the rows back.
CREATE TABLE IF NOT EXISTS driver_events (
    event_id           TEXT NOT NULL CHECK (length(event_id) BETWEEN 1 AND 64),
    batch_id           TEXT NOT NULL REFERENCES delivery_batches (id),
    workspace_id       TEXT NOT NULL REFERENCES workspaces (id),
    driver_id          TEXT CHECK (length(driver_id) BETWEEN 1 AND 64),
    actor_id           TEXT NOT NULL CHECK (length(actor_id) BETWEEN 1 AND 64),
    session_id         TEXT CHECK (length(session_id) BETWEEN 1 AND 64),
    event_type         TEXT NOT NULL
        CHECK (event_type IN ('DRIVER_LOGGED_IN', 'ROUTE_STARTED', 'ARRIVED_AT_STOP', 'DEPARTED_STOP',
                              'DELAY_REPORTED', 'ROUTE_RESUMED', 'ROUTE_COMPLETED', 'ROUTE_CANCELLED',
                              'SUPERVISOR_OVERRIDE', 'PROOF_CAPTURED')),
    previous_status    TEXT NOT NULL
        CHECK (previous_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
    driver_status      TEXT NOT NULL
        CHECK (driver_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
    -- The batch version this event produced: the log replays in this order.
    batch_version      INTEGER NOT NULL CHECK (batch_version >= 1),
    recorded_at        INTEGER NOT NULL,
    synced_at          INTEGER NOT NULL,
    lat                REAL CHECK (lat BETWEEN -90 AND 90),
    lng                REAL CHECK (lng BETWEEN -180 AND 180),
    accuracy_m         REAL CHECK (accuracy_m >= 0),
    stop_index         INTEGER CHECK (stop_index >= 0),
    payload            TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
    reason             TEXT,
    content_hash       TEXT NOT NULL CHECK (length(content_hash) BETWEEN 1 AND 64),
    flagged_for_review INTEGER NOT NULL CHECK (flagged_for_review IN (0, 1)),
    flag_reasons       TEXT NOT NULL CHECK (json_valid(flag_reasons) AND json_type(flag_reasons) = 'array'),
    CHECK ((lat IS NULL) = (lng IS NULL)),
    -- One event per batch version: two instances can never both append version N.
    CONSTRAINT uq_driver_events_batch_version UNIQUE (batch_id, batch_version),
    -- The sender's event ids (V7): unique per workspace and sender, not globally.
    CONSTRAINT uq_driver_events_sender_event UNIQUE (workspace_id, actor_id, event_id)
) STRICT;

INSERT INTO driver_events SELECT * FROM driver_events_rebuild;
DROP TABLE driver_events_rebuild;

CREATE INDEX IF NOT EXISTS ix_driver_events_driver_batch_session
    ON driver_events (driver_id, batch_id, session_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_recorded ON driver_events (recorded_at DESC);
CREATE INDEX IF NOT EXISTS ix_driver_events_review
    ON driver_events (workspace_id, recorded_at) WHERE flagged_for_review;
CREATE INDEX IF NOT EXISTS ix_driver_events_batch_recorded
    ON driver_events (batch_id, recorded_at, event_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_driver_located
    ON driver_events (driver_id, recorded_at DESC, event_id DESC) WHERE lat IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_driver_events_review_queue
    ON driver_events (workspace_id, synced_at, event_id) WHERE flagged_for_review;
-- Lookups by event id alone (review items, which name a flagged event by its id).
CREATE INDEX IF NOT EXISTS ix_driver_events_event_id ON driver_events (event_id);
CREATE TRIGGER IF NOT EXISTS driver_events_no_update BEFORE UPDATE ON driver_events
BEGIN
    SELECT RAISE(ABORT, 'driver_events is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS driver_events_no_delete BEFORE DELETE ON driver_events
BEGIN
    SELECT RAISE(ABORT, 'driver_events is append-only: DELETE refused');
END;
