-- fleetgate V3: usernames and PIN hashes, failed-login counts and device sessions (seed 004,
-- next steps 1 and 2). No PIN and no token is ever stored: only their hashes.
-- Enumerations are text + CHECK, not ENUM types: an ENUM cannot gain a value inside a transaction.
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.

CREATE TABLE IF NOT EXISTS user_credentials (
    user_id      VARCHAR(64) PRIMARY KEY,
    -- As enrolled (trimmed); lower-casing may lengthen a name, hence more room than the key.
    username     VARCHAR(128) NOT NULL CHECK (length(username) >= 1),
    -- As compared: trimmed and lower-cased. One user per name.
    username_key VARCHAR(64) NOT NULL CHECK (length(username_key) >= 1),
    -- PinHasher's encoding: pbkdf2-sha256$<iterations>$<salt>$<hash>.
    pin_hash     VARCHAR(512) NOT NULL CHECK (length(pin_hash) >= 1),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT uq_user_credentials_username_key UNIQUE (username_key)
);

-- Failed logins per submitted username. No foreign key: unknown usernames are counted too, so
-- that probing for names costs the same as guessing PINs.
CREATE TABLE IF NOT EXISTS login_attempts (
    username_key    VARCHAR(64) PRIMARY KEY CHECK (length(username_key) >= 1),
    failed_count    INTEGER NOT NULL CHECK (failed_count >= 1),
    first_failed_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS driver_sessions (
    id                  VARCHAR(64) PRIMARY KEY,
    -- A session always belongs to an enrolled user.
    user_id             VARCHAR(64) NOT NULL REFERENCES user_credentials (user_id),
    device_id           VARCHAR(64) NOT NULL CHECK (length(device_id) >= 1),
    -- Hex SHA-256 of the current bearer token; the token itself is never stored.
    token_hash          VARCHAR(64) NOT NULL CHECK (length(token_hash) >= 1),
    created_at          TIMESTAMPTZ NOT NULL,
    last_active_at      TIMESTAMPTZ NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    invalidated_at      TIMESTAMPTZ,
    invalidation_reason VARCHAR(16)
        CHECK (invalidation_reason IN ('LOGOUT', 'DEVICE_CHANGED', 'SUPERVISOR', 'IDLE_TIMEOUT', 'EXPIRED')),
    CONSTRAINT uq_driver_sessions_token_hash UNIQUE (token_hash),
    CHECK (expires_at > created_at),
    CHECK ((invalidated_at IS NULL) = (invalidation_reason IS NULL))
);

-- The invariant: at most one current (not invalidated) session per user, whatever the number of
-- host instances. (Timed-out sessions stay current until the store marks them: a partial-index
-- predicate cannot use now().)
CREATE UNIQUE INDEX IF NOT EXISTS ux_driver_sessions_one_current
    ON driver_sessions (user_id) WHERE invalidated_at IS NULL;

-- A user's sessions (session lookup; the foreign key).
CREATE INDEX IF NOT EXISTS ix_driver_sessions_user ON driver_sessions (user_id);
