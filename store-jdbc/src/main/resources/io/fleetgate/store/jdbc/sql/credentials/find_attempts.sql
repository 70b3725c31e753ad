SELECT * FROM login_attempts WHERE username_key = :username_key
