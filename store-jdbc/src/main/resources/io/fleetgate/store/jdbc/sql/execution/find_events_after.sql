-- The page after a cursor (keyset pagination: the row-value comparison uses the
-- (batch_id, recorded_at, event_id) index, however deep the page).
SELECT * FROM driver_events
WHERE batch_id = :batch_id AND (recorded_at, event_id) > (:after_recorded, :after_event_id)
ORDER BY recorded_at, event_id
LIMIT :limit
