SELECT source_key AS subject_key, failed_count, first_failed_at, locked_until, lock_count, granted
FROM login_source_attempts WHERE source_key = :key
