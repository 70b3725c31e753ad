SELECT * FROM user_credentials WHERE username_key = :username_key
