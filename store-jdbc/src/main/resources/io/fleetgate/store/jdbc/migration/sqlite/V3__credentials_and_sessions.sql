-- fleetgate V3: usernames and PIN hashes, failed-login counts and device sessions (seed 004,
-- next steps 1 and 2). No PIN and no token is ever stored: only their hashes.
-- Instants are INTEGER microseconds since the epoch, UTC (ISO text would sort wrongly).
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.

CREATE TABLE IF NOT EXISTS user_credentials (
    user_id      TEXT NOT NULL PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 64),
    -- As enrolled (trimmed); lower-casing may lengthen a name, hence more room than the key.
    username     TEXT NOT NULL CHECK (length(username) BETWEEN 1 AND 128),
    -- As compared: trimmed and lower-cased. One user per name.
    username_key TEXT NOT NULL CHECK (length(username_key) BETWEEN 1 AND 64),
    -- PinHasher's encoding: pbkdf2-sha256$<iterations>$<salt>$<hash>.
    pin_hash     TEXT NOT NULL CHECK (length(pin_hash) BETWEEN 1 AND 512),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CONSTRAINT uq_user_credentials_username_key UNIQUE (username_key)
) STRICT;

-- Failed logins per submitted username. No foreign key: unknown usernames are counted too, so
-- that probing for names costs the same as guessing PINs.
CREATE TABLE IF NOT EXISTS login_attempts (
    username_key    TEXT NOT NULL PRIMARY KEY CHECK (length(username_key) BETWEEN 1 AND 64),
    failed_count    INTEGER NOT NULL CHECK (failed_count >= 1),
    first_failed_at INTEGER NOT NULL,
    locked_until    INTEGER
) STRICT;

CREATE TABLE IF NOT EXISTS driver_sessions (
    id                  TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    -- A session always belongs to an enrolled user.
    user_id             TEXT NOT NULL REFERENCES user_credentials (user_id),
    device_id           TEXT NOT NULL CHECK (length(device_id) BETWEEN 1 AND 64),
    -- Hex SHA-256 of the current bearer token; the token itself is never stored.
    token_hash          TEXT NOT NULL CHECK (length(token_hash) BETWEEN 1 AND 64),
    created_at          INTEGER NOT NULL,
    last_active_at      INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    invalidated_at      INTEGER,
    invalidation_reason TEXT
        CHECK (invalidation_reason IN ('LOGOUT', 'DEVICE_CHANGED', 'SUPERVISOR', 'IDLE_TIMEOUT', 'EXPIRED')),
    CONSTRAINT uq_driver_sessions_token_hash UNIQUE (token_hash),
    CHECK (expires_at > created_at),
    CHECK ((invalidated_at IS NULL) = (invalidation_reason IS NULL))
) STRICT;

-- The invariant: at most one current (not invalidated) session per user.
CREATE UNIQUE INDEX IF NOT EXISTS ux_driver_sessions_one_current
    ON driver_sessions (user_id) WHERE invalidated_at IS NULL;

-- A user's sessions (session lookup; the foreign key).
CREATE INDEX IF NOT EXISTS ix_driver_sessions_user ON driver_sessions (user_id);
