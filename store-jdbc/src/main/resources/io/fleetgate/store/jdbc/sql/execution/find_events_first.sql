-- The first page of a batch's events, by recorded_at then event id.
SELECT * FROM driver_events
WHERE batch_id = :batch_id
ORDER BY recorded_at, event_id
LIMIT :limit
