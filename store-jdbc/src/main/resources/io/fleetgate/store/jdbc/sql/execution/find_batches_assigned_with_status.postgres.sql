-- The batches assigned to a driver that have one status, with their stops, by batch id in code
-- point order (as on SQLite) then sequence (appended to batch_rows.sql), on
-- ix_delivery_batches_driver_status (V17): a login reads the driver's INACTIVE batches only,
-- however many finished ones the driver has.
WHERE b.driver_id = :driver_id AND b.driver_status = :driver_status
ORDER BY b.id COLLATE "C", s.stop_index
