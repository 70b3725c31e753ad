-- The batches assigned to a driver with their stops, by batch id in code point order (as on
-- SQLite) then sequence (appended to batch_rows.sql).
WHERE b.driver_id = :driver_id
ORDER BY b.id COLLATE "C", s.stop_index
