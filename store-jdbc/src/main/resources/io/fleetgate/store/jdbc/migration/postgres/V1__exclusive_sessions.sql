-- fleetgate V1: chargers, merchants and exclusive sessions (seed 000).
-- Enumerations are text + CHECK, not ENUM types: an ENUM cannot gain a value inside a transaction.
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.

CREATE TABLE IF NOT EXISTS chargers (
    id        VARCHAR(64) PRIMARY KEY,
    place_id  VARCHAR(64) UNIQUE,
    lat       DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng       DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180)
);

CREATE TABLE IF NOT EXISTS merchants (
    id        VARCHAR(64) PRIMARY KEY,
    place_id  VARCHAR(64) UNIQUE,
    name      TEXT
);

CREATE TABLE IF NOT EXISTS exclusive_sessions (
    id                               VARCHAR(64) PRIMARY KEY,
    driver_id                        VARCHAR(64) NOT NULL,
    merchant_id                      VARCHAR(64) NOT NULL REFERENCES merchants (id),
    merchant_place_id                VARCHAR(64),
    charger_id                       VARCHAR(64) NOT NULL REFERENCES chargers (id),
    charger_place_id                 VARCHAR(64),
    intent_session_id                VARCHAR(64),
    status                           VARCHAR(16) NOT NULL DEFAULT 'ACTIVE'
        CHECK (status IN ('ACTIVE', 'COMPLETED', 'EXPIRED', 'CANCELED')),
    activated_at                     TIMESTAMPTZ NOT NULL,
    expires_at                       TIMESTAMPTZ NOT NULL,
    completed_at                     TIMESTAMPTZ,
    created_at                       TIMESTAMPTZ NOT NULL,
    updated_at                       TIMESTAMPTZ NOT NULL,
    activation_lat                   DOUBLE PRECISION NOT NULL CHECK (activation_lat BETWEEN -90 AND 90),
    activation_lng                   DOUBLE PRECISION NOT NULL CHECK (activation_lng BETWEEN -180 AND 180),
    activation_accuracy_m            DOUBLE PRECISION CHECK (activation_accuracy_m >= 0),
    activation_distance_to_charger_m DOUBLE PRECISION NOT NULL CHECK (activation_distance_to_charger_m >= 0),
    CHECK (expires_at > activated_at),
    CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL))
);

-- The invariant: at most one ACTIVE session per driver, whatever the number of host instances.
-- (A partial-index predicate cannot mention now(): an ACTIVE row past expires_at is marked
-- EXPIRED by the store in the same transaction before a new one is inserted.)
CREATE UNIQUE INDEX IF NOT EXISTS ux_exclusive_sessions_one_active
    ON exclusive_sessions (driver_id) WHERE status = 'ACTIVE';

-- A driver's sessions, newest first (latest-session lookup, include_expired).
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_driver_activated
    ON exclusive_sessions (driver_id, activated_at DESC);
-- The sweeper: ACTIVE sessions by expiry.
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_status_expires
    ON exclusive_sessions (status, expires_at);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_expires ON exclusive_sessions (expires_at);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_merchant ON exclusive_sessions (merchant_id);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_charger ON exclusive_sessions (charger_id);
