SELECT * FROM exclusive_sessions WHERE driver_id = :driver_id ORDER BY activated_at DESC, id DESC LIMIT 1
