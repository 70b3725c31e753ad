-- Enrols a user unless the user id is taken (row count 0). A taken username_key is a unique
-- violation instead, which the repository reads as "taken" too: ON CONFLICT names one target.
-- No RETURNING: under row-level security the new row need not be readable by the caller.
INSERT INTO user_credentials (user_id, username, username_key, pin_hash, created_at, updated_at)
VALUES (:user_id, :username, :username_key, :pin_hash, :created_at, :updated_at)
ON CONFLICT (user_id) DO NOTHING
