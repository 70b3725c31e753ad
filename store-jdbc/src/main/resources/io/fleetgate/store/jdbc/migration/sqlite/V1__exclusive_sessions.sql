-- fleetgate V1: chargers, merchants and exclusive sessions (seed 000).
-- Instants are INTEGER microseconds since the epoch, UTC (ISO text would sort wrongly).
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.

CREATE TABLE IF NOT EXISTS chargers (
    id        TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    place_id  TEXT UNIQUE CHECK (length(place_id) <= 64),
    lat       REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng       REAL NOT NULL CHECK (lng BETWEEN -180 AND 180)
) STRICT;

CREATE TABLE IF NOT EXISTS merchants (
    id        TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    place_id  TEXT UNIQUE CHECK (length(place_id) <= 64),
    name      TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS exclusive_sessions (
    id                               TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    driver_id                        TEXT NOT NULL CHECK (length(driver_id) BETWEEN 1 AND 64),
    merchant_id                      TEXT NOT NULL REFERENCES merchants (id),
    merchant_place_id                TEXT CHECK (length(merchant_place_id) <= 64),
    charger_id                       TEXT NOT NULL REFERENCES chargers (id),
    charger_place_id                 TEXT CHECK (length(charger_place_id) <= 64),
    intent_session_id                TEXT CHECK (length(intent_session_id) <= 64),
    status                           TEXT NOT NULL DEFAULT 'ACTIVE'
        CHECK (status IN ('ACTIVE', 'COMPLETED', 'EXPIRED', 'CANCELED')),
    activated_at                     INTEGER NOT NULL,
    expires_at                       INTEGER NOT NULL,
    completed_at                     INTEGER,
    created_at                       INTEGER NOT NULL,
    updated_at                       INTEGER NOT NULL,
    activation_lat                   REAL NOT NULL CHECK (activation_lat BETWEEN -90 AND 90),
    activation_lng                   REAL NOT NULL CHECK (activation_lng BETWEEN -180 AND 180),
    activation_accuracy_m            REAL CHECK (activation_accuracy_m >= 0),
    activation_distance_to_charger_m REAL NOT NULL CHECK (activation_distance_to_charger_m >= 0),
    CHECK (expires_at > activated_at),
    CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL))
) STRICT;

-- The invariant: at most one ACTIVE session per driver.
CREATE UNIQUE INDEX IF NOT EXISTS ux_exclusive_sessions_one_active
    ON exclusive_sessions (driver_id) WHERE status = 'ACTIVE';

CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_driver_activated
    ON exclusive_sessions (driver_id, activated_at DESC);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_status_expires
    ON exclusive_sessions (status, expires_at);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_expires ON exclusive_sessions (expires_at);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_merchant ON exclusive_sessions (merchant_id);
CREATE INDEX IF NOT EXISTS ix_exclusive_sessions_charger ON exclusive_sessions (charger_id);
