-- Gives back one reserved attempt of a source (it succeeded, or was refused unevaluated), if the
-- window it was counted in is still the current one. A lock stays.
UPDATE login_source_attempts SET failed_count = failed_count - 1
WHERE source_key = :key AND first_failed_at = :first_failed_at AND failed_count > 0
