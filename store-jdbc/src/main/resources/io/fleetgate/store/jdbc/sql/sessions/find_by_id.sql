SELECT * FROM driver_sessions WHERE id = :id
