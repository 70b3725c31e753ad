-- The batches assigned to a driver with their stops, one row per stop, by batch id in code point
-- order (as on SQLite) then sequence, in one statement (one snapshot).
SELECT b.*, s.stop_index, s.stop_id, s.lat, s.lng, s.radius_m, s.window_earliest, s.window_latest, s.proof, s.code_hash
FROM delivery_batches b LEFT JOIN batch_stops s ON s.batch_id = b.id
WHERE b.driver_id = :driver_id
ORDER BY b.id COLLATE "C", s.stop_index
