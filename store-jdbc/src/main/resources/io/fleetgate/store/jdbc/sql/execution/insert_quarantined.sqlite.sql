-- Keeps a refused event; the same content with the same event id is kept once. seq is the next
-- insertion number: SQLite runs one writer at a time, so MAX + 1 cannot be taken twice.
INSERT INTO quarantined_events (
    id, seq, event_id, batch_id, workspace_id, sender_id, session_id, content, content_hash, error_code,
    reason, received_at)
VALUES (
    :id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM quarantined_events), :event_id, :batch_id, :workspace_id,
    :sender_id, :session_id, :content, :content_hash, :error_code, :reason, :received_at)
ON CONFLICT (content_hash, (COALESCE(event_id, ''))) DO NOTHING
