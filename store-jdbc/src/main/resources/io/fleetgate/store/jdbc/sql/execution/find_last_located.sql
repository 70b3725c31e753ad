-- The driver's located event with the latest recorded_at (ties: the greatest event id).
SELECT * FROM driver_events
WHERE driver_id = :driver_id AND lat IS NOT NULL
ORDER BY recorded_at DESC, event_id DESC
LIMIT 1
