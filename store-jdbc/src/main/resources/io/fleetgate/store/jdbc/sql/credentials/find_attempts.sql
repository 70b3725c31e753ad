SELECT username_key AS subject_key, failed_count, first_failed_at, locked_until, lock_count, granted
FROM login_attempts WHERE username_key = :key
