-- Lengthens lock number :lock_count of a username to :locked_until (progressive locks); never
-- shortens one, and leaves a newer or lifted lock alone.
UPDATE login_attempts SET locked_until = :locked_until
WHERE username_key = :key AND lock_count = :lock_count AND locked_until < :locked_until
