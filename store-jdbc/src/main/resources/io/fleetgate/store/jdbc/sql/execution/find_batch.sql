-- A batch with its stops, one row per stop in sequence, in one statement: one snapshot, so a plan
-- change committed meanwhile is seen whole or not at all.
SELECT b.*, s.stop_index, s.stop_id, s.lat, s.lng, s.radius_m, s.window_earliest, s.window_latest, s.proof, s.code_hash
FROM delivery_batches b LEFT JOIN batch_stops s ON s.batch_id = b.id
WHERE b.id = :id
ORDER BY s.stop_index
