-- The batches assigned to a driver with their stops, by batch id then sequence (appended to
-- batch_rows.sql).
WHERE b.driver_id = :driver_id
ORDER BY b.id, s.stop_index
