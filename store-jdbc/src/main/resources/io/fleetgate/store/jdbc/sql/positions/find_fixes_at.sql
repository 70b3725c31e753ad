-- A driver's stored fixes at these recorded times (the keys an insert found taken), on the
-- primary key.
SELECT * FROM driver_fixes WHERE driver_id = :driver_id AND recorded_at IN (<recorded_at>)
