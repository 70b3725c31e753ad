-- Lengthens lock number :lock_count of a source to :locked_until (progressive locks); never
-- shortens one, and leaves a newer lock alone.
UPDATE login_source_attempts SET locked_until = :locked_until
WHERE source_key = :key AND lock_count = :lock_count AND locked_until < :locked_until
