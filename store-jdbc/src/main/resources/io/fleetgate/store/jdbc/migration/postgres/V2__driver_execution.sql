-- fleetgate V2: workspaces, delivery batches, the append-only driver event log and the
-- quarantine of refused events (seed 004).
-- Enumerations are text + CHECK, not ENUM types: an ENUM cannot gain a value inside a transaction
-- (the failure seed 004's migration notes describe). Ids are opaque text chosen by the host (up
-- to 64 characters); ids the library makes are UUIDs. Every statement is re-runnable.

CREATE TABLE IF NOT EXISTS workspaces (
    id                    VARCHAR(64) PRIMARY KEY,
    name                  TEXT,
    -- Whether events for the workspace's batches must carry a valid device signature.
    require_signed_events BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE IF NOT EXISTS delivery_batches (
    id                 VARCHAR(64) PRIMARY KEY,
    workspace_id       VARCHAR(64) NOT NULL REFERENCES workspaces (id),
    driver_id          VARCHAR(64),
    driver_status      VARCHAR(16) NOT NULL DEFAULT 'INACTIVE'
        CHECK (driver_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
    current_stop_index INTEGER CHECK (current_stop_index >= 0),
    actual_start_time  TIMESTAMPTZ,
    actual_end_time    TIMESTAMPTZ,
    -- JSON object; numbers keep their value (jsonb re-renders them, the store reads them canonically).
    execution_metadata JSONB NOT NULL CHECK (jsonb_typeof(execution_metadata) = 'object'),
    -- JSON array of the stop indexes arrived at since the route (re)started, ascending.
    visited_stops      JSONB NOT NULL CHECK (jsonb_typeof(visited_stops) = 'array'),
    version            BIGINT NOT NULL CHECK (version >= 0),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

-- The invariant: a driver has at most one batch on route, whatever the number of host instances.
-- (Literals only: a partial-index predicate must be immutable.)
CREATE UNIQUE INDEX IF NOT EXISTS ux_delivery_batches_one_on_route
    ON delivery_batches (driver_id) WHERE driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED');
-- Status dashboards (seed 004).
CREATE INDEX IF NOT EXISTS ix_delivery_batches_status ON delivery_batches (driver_status);
CREATE INDEX IF NOT EXISTS ix_delivery_batches_driver ON delivery_batches (driver_id);
CREATE INDEX IF NOT EXISTS ix_delivery_batches_workspace ON delivery_batches (workspace_id);

CREATE TABLE IF NOT EXISTS batch_stops (
    batch_id   VARCHAR(64) NOT NULL REFERENCES delivery_batches (id),
    stop_index INTEGER NOT NULL CHECK (stop_index >= 0),
    lat        DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng        DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    radius_m   DOUBLE PRECISION NOT NULL CHECK (radius_m > 0),
    PRIMARY KEY (batch_id, stop_index)
);

CREATE TABLE IF NOT EXISTS driver_events (
    -- COLLATE "C": ties on recorded_at are ordered by code point, the same on every server
    -- locale and on SQLite, so the paging cursor means the same thing everywhere.
    event_id           VARCHAR(64) COLLATE "C" PRIMARY KEY,
    batch_id           VARCHAR(64) NOT NULL REFERENCES delivery_batches (id),
    workspace_id       VARCHAR(64) NOT NULL REFERENCES workspaces (id),
    driver_id          VARCHAR(64),
    actor_id           VARCHAR(64) NOT NULL,
    session_id         VARCHAR(64),
    event_type         VARCHAR(32) NOT NULL
        CHECK (event_type IN ('DRIVER_LOGGED_IN', 'ROUTE_STARTED', 'ARRIVED_AT_STOP', 'DEPARTED_STOP',
                              'DELAY_REPORTED', 'ROUTE_RESUMED', 'ROUTE_COMPLETED', 'ROUTE_CANCELLED',
                              'SUPERVISOR_OVERRIDE', 'PROOF_CAPTURED')),
    previous_status    VARCHAR(16) NOT NULL
        CHECK (previous_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
    driver_status      VARCHAR(16) NOT NULL
        CHECK (driver_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
    -- The batch version this event produced: the log replays in this order.
    batch_version      BIGINT NOT NULL CHECK (batch_version >= 1),
    recorded_at        TIMESTAMPTZ NOT NULL,
    synced_at          TIMESTAMPTZ NOT NULL,
    lat                DOUBLE PRECISION CHECK (lat BETWEEN -90 AND 90),
    lng                DOUBLE PRECISION CHECK (lng BETWEEN -180 AND 180),
    accuracy_m         DOUBLE PRECISION CHECK (accuracy_m >= 0),
    stop_index         INTEGER CHECK (stop_index >= 0),
    payload            JSONB NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    reason             TEXT,
    content_hash       VARCHAR(64) NOT NULL,
    flagged_for_review BOOLEAN NOT NULL,
    flag_reasons       JSONB NOT NULL CHECK (jsonb_typeof(flag_reasons) = 'array'),
    CHECK ((lat IS NULL) = (lng IS NULL)),
    -- One event per batch version: two instances can never both append version N.
    CONSTRAINT uq_driver_events_batch_version UNIQUE (batch_id, batch_version)
);

CREATE INDEX IF NOT EXISTS ix_driver_events_driver_batch_session
    ON driver_events (driver_id, batch_id, session_id);
-- Timeline queries (seed 004).
CREATE INDEX IF NOT EXISTS ix_driver_events_recorded ON driver_events (recorded_at DESC);
-- The review queue: flagged events of a workspace, oldest first.
CREATE INDEX IF NOT EXISTS ix_driver_events_review
    ON driver_events (workspace_id, recorded_at) WHERE flagged_for_review;
-- A batch's events page by page (keyset on recorded_at, event_id).
CREATE INDEX IF NOT EXISTS ix_driver_events_batch_recorded
    ON driver_events (batch_id, recorded_at, event_id);
-- A driver's latest located event (route hijack detection on every sync).
CREATE INDEX IF NOT EXISTS ix_driver_events_driver_located
    ON driver_events (driver_id, recorded_at DESC, event_id DESC) WHERE lat IS NOT NULL;

CREATE TABLE IF NOT EXISTS quarantined_events (
    id           VARCHAR(64) PRIMARY KEY,
    -- Insertion order, to list a batch's refusals in the order they were kept.
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    -- The client's event id exactly as sent: it was not validated (that may be why it is here),
    -- so it is not held to the 64-character limit of ids.
    event_id     TEXT,
    -- No foreign keys: events naming unknown batches or workspaces are quarantined too.
    batch_id     VARCHAR(64),
    workspace_id VARCHAR(64),
    sender_id    VARCHAR(64) NOT NULL,
    session_id   VARCHAR(64),
    -- Canonical JSON text, kept byte for byte (jsonb would re-render it).
    content      TEXT NOT NULL,
    content_hash VARCHAR(64) NOT NULL,
    -- fleetgate's ErrorCode names. Not a CHECK list: codes are added over time, and a refusal
    -- must never fail to be kept because its code is newer than the schema.
    error_code   VARCHAR(64) NOT NULL CHECK (error_code <> ''),
    reason       TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);

-- The same refused event resent is kept once.
CREATE UNIQUE INDEX IF NOT EXISTS ux_quarantined_events_content
    ON quarantined_events (content_hash, (COALESCE(event_id, '')));
CREATE INDEX IF NOT EXISTS ix_quarantined_events_batch ON quarantined_events (batch_id, received_at, seq);
CREATE INDEX IF NOT EXISTS ix_quarantined_events_workspace ON quarantined_events (workspace_id, received_at);

-- Append-only, enforced by the database itself: UPDATE, DELETE and TRUNCATE are refused for
-- everyone, the table owner included (row-level security would not bind the owner).
CREATE OR REPLACE FUNCTION fleetgate_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

DROP TRIGGER IF EXISTS driver_events_append_only ON driver_events;
CREATE TRIGGER driver_events_append_only
    BEFORE UPDATE OR DELETE ON driver_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS driver_events_no_truncate ON driver_events;
CREATE TRIGGER driver_events_no_truncate
    BEFORE TRUNCATE ON driver_events
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

DROP TRIGGER IF EXISTS quarantined_events_append_only ON quarantined_events;
CREATE TRIGGER quarantined_events_append_only
    BEFORE UPDATE OR DELETE ON quarantined_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS quarantined_events_no_truncate ON quarantined_events;
CREATE TRIGGER quarantined_events_no_truncate
    BEFORE TRUNCATE ON quarantined_events
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();
