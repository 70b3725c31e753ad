-- fleetgate V2: workspaces, delivery batches, the append-only driver event log and the
-- quarantine of refused events (seed 004).
-- Instants are INTEGER microseconds since the epoch, UTC (ISO text would sort wrongly).
-- JSON is TEXT holding fleetgate's canonical encoding, checked with json_valid.
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.

CREATE TABLE IF NOT EXISTS workspaces (
    id                    TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    name                  TEXT,
    -- Whether events for the workspace's batches must carry a valid device signature (0 or 1).
    require_signed_events INTEGER NOT NULL DEFAULT 0 CHECK (require_signed_events IN (0, 1))
) STRICT;

CREATE TABLE IF NOT EXISTS delivery_batches (
    id                 TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    workspace_id       TEXT NOT NULL REFERENCES workspaces (id),
    driver_id          TEXT CHECK (length(driver_id) BETWEEN 1 AND 64),
    driver_status      TEXT NOT NULL DEFAULT 'INACTIVE'
        CHECK (driver_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
    current_stop_index INTEGER CHECK (current_stop_index >= 0),
    actual_start_time  INTEGER,
    actual_end_time    INTEGER,
    execution_metadata TEXT NOT NULL
        CHECK (json_valid(execution_metadata) AND json_type(execution_metadata) = 'object'),
    -- JSON array of the stop indexes arrived at since the route (re)started, ascending.
    visited_stops      TEXT NOT NULL CHECK (json_valid(visited_stops) AND json_type(visited_stops) = 'array'),
    version            INTEGER NOT NULL CHECK (version >= 0),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

-- The invariant: a driver has at most one batch on route.
CREATE UNIQUE INDEX IF NOT EXISTS ux_delivery_batches_one_on_route
    ON delivery_batches (driver_id) WHERE driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED');
CREATE INDEX IF NOT EXISTS ix_delivery_batches_status ON delivery_batches (driver_status);
CREATE INDEX IF NOT EXISTS ix_delivery_batches_driver ON delivery_batches (driver_id);
CREATE INDEX IF NOT EXISTS ix_delivery_batches_workspace ON delivery_batches (workspace_id);

CREATE TABLE IF NOT EXISTS batch_stops (
    batch_id   TEXT NOT NULL REFERENCES delivery_batches (id),
    stop_index INTEGER NOT NULL CHECK (stop_index >= 0),
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng        REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
    radius_m   REAL NOT NULL CHECK (radius_m > 0),
    PRIMARY KEY (batch_id, stop_index)
) STRICT;

CREATE TABLE IF NOT EXISTS driver_events (
    event_id           TEXT NOT NULL PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 64),
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
    CONSTRAINT uq_driver_events_batch_version UNIQUE (batch_id, batch_version)
) STRICT;

CREATE INDEX IF NOT EXISTS ix_driver_events_driver_batch_session
    ON driver_events (driver_id, batch_id, session_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_recorded ON driver_events (recorded_at DESC);
CREATE INDEX IF NOT EXISTS ix_driver_events_review
    ON driver_events (workspace_id, recorded_at) WHERE flagged_for_review;
CREATE INDEX IF NOT EXISTS ix_driver_events_batch_recorded
    ON driver_events (batch_id, recorded_at, event_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_driver_located
    ON driver_events (driver_id, recorded_at DESC, event_id DESC) WHERE lat IS NOT NULL;

CREATE TABLE IF NOT EXISTS quarantined_events (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    -- Insertion order (the store writes MAX + 1; SQLite has one writer at a time).
    seq          INTEGER NOT NULL UNIQUE,
    -- The client's event id exactly as sent (unvalidated, so not held to 64 characters).
    event_id     TEXT,
    -- No foreign keys: events naming unknown batches or workspaces are quarantined too.
    batch_id     TEXT CHECK (length(batch_id) <= 64),
    workspace_id TEXT CHECK (length(workspace_id) <= 64),
    sender_id    TEXT NOT NULL CHECK (length(sender_id) BETWEEN 1 AND 64),
    session_id   TEXT CHECK (length(session_id) <= 64),
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL CHECK (length(content_hash) BETWEEN 1 AND 64),
    -- fleetgate's ErrorCode names; not a CHECK list, codes are added over time.
    error_code   TEXT NOT NULL CHECK (length(error_code) BETWEEN 1 AND 64),
    reason       TEXT NOT NULL,
    received_at  INTEGER NOT NULL
) STRICT;

-- The same refused event resent is kept once.
CREATE UNIQUE INDEX IF NOT EXISTS ux_quarantined_events_content
    ON quarantined_events (content_hash, COALESCE(event_id, ''));
CREATE INDEX IF NOT EXISTS ix_quarantined_events_batch ON quarantined_events (batch_id, received_at, seq);
CREATE INDEX IF NOT EXISTS ix_quarantined_events_workspace ON quarantined_events (workspace_id, received_at);

-- Append-only, enforced by the database itself. (SQLite has no TRUNCATE: a DELETE without WHERE
-- fires the delete trigger, which also turns off the truncate optimisation.)
CREATE TRIGGER IF NOT EXISTS driver_events_no_update BEFORE UPDATE ON driver_events
BEGIN
    SELECT RAISE(ABORT, 'driver_events is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS driver_events_no_delete BEFORE DELETE ON driver_events
BEGIN
    SELECT RAISE(ABORT, 'driver_events is append-only: DELETE refused');
END;
CREATE TRIGGER IF NOT EXISTS quarantined_events_no_update BEFORE UPDATE ON quarantined_events
BEGIN
    SELECT RAISE(ABORT, 'quarantined_events is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS quarantined_events_no_delete BEFORE DELETE ON quarantined_events
BEGIN
    SELECT RAISE(ABORT, 'quarantined_events is append-only: DELETE refused');
END;
