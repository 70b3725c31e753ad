SELECT * FROM exclusive_sessions WHERE driver_id = :driver_id AND status = 'ACTIVE'
