SELECT * FROM exclusive_sessions WHERE id = :id AND driver_id = :driver_id
