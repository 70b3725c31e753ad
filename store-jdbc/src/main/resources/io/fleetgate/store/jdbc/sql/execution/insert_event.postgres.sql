-- Appends an accepted event. Since V16 the log is partitioned by recorded_at and its row trigger
-- claims the event id in driver_event_ids first: an id the sender already has in the workspace
-- (whatever its recorded_at) makes the trigger skip the row (0 rows: the whole commit is rolled
-- back), as ON CONFLICT (workspace_id, actor_id, event_id) DO NOTHING did; a taken (batch_id,
-- batch_version) is a unique violation.
INSERT INTO driver_events (
    event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type, previous_status,
    driver_status, batch_version, recorded_at, synced_at, lat, lng, accuracy_m, stop_index, payload,
    reason, content_hash, flagged_for_review, flag_reasons, stop_id)
VALUES (
    :event_id, :batch_id, :workspace_id, :driver_id, :actor_id, :session_id, :event_type, :previous_status,
    :driver_status, :batch_version, :recorded_at, :synced_at, :lat, :lng, :accuracy_m, :stop_index, :payload,
    :reason, :content_hash, :flagged_for_review, :flag_reasons, :stop_id)
