SELECT * FROM user_credentials WHERE user_id = :user_id
