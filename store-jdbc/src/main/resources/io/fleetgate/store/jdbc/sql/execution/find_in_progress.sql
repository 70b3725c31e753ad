-- Uses the one-on-route partial unique index: at most one row.
SELECT id FROM delivery_batches
WHERE driver_id = :driver_id AND driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
ORDER BY id
