UPDATE user_credentials SET pin_hash = :pin_hash, updated_at = :now WHERE user_id = :user_id
