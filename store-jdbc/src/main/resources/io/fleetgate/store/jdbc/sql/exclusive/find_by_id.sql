SELECT * FROM exclusive_sessions WHERE id = :id
