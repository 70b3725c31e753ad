-- The page after a cursor that names only an instant: events recorded strictly later.
SELECT * FROM driver_events
WHERE batch_id = :batch_id AND recorded_at > :after_recorded
ORDER BY recorded_at, event_id
LIMIT :limit
