-- Inserts a new current session unless the user already has one (the partial unique index).
INSERT INTO driver_sessions (
    id, user_id, device_id, token_hash, created_at, last_active_at, expires_at,
    invalidated_at, invalidation_reason)
VALUES (
    :id, :user_id, :device_id, :token_hash, :created_at, :last_active_at, :expires_at, NULL, NULL)
ON CONFLICT (user_id) WHERE invalidated_at IS NULL DO NOTHING
