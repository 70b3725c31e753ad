SELECT * FROM driver_sessions WHERE token_hash = :token_hash
