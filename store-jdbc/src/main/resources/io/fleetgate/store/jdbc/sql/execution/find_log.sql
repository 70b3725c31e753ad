-- A batch's whole log in the order it was applied.
SELECT * FROM driver_events WHERE batch_id = :batch_id ORDER BY batch_version
