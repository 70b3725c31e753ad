-- Compare-and-set on the token: only the holder of the current token of a current session
-- replaces it; the new token counts as activity.
UPDATE driver_sessions
SET token_hash = :new_token_hash, last_active_at = :now
WHERE id = :id AND token_hash = :old_token_hash AND invalidated_at IS NULL
