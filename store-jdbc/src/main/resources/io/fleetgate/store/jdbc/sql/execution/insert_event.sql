-- Appends an accepted event; an event id the sender already has in the workspace is left alone
-- (0 rows: the whole commit is rolled back).
INSERT INTO driver_events (
    event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type, previous_status,
    driver_status, batch_version, recorded_at, synced_at, lat, lng, accuracy_m, stop_index, payload,
    reason, content_hash, flagged_for_review, flag_reasons, stop_id)
VALUES (
    :event_id, :batch_id, :workspace_id, :driver_id, :actor_id, :session_id, :event_type, :previous_status,
    :driver_status, :batch_version, :recorded_at, :synced_at, :lat, :lng, :accuracy_m, :stop_index, :payload,
    :reason, :content_hash, :flagged_for_review, :flag_reasons, :stop_id)
ON CONFLICT (workspace_id, actor_id, event_id) DO NOTHING
