SELECT * FROM driver_sessions WHERE user_id = :user_id AND invalidated_at IS NULL
