-- Keeps a refused event; the same content with the same event id is kept once. seq is an
-- identity column.
INSERT INTO quarantined_events (
    id, event_id, batch_id, workspace_id, sender_id, session_id, content, content_hash, error_code,
    reason, received_at)
VALUES (
    :id, :event_id, :batch_id, :workspace_id, :sender_id, :session_id, :content, :content_hash, :error_code,
    :reason, :received_at)
ON CONFLICT (content_hash, (COALESCE(event_id, ''))) DO NOTHING
