-- Gives back one reserved attempt of a username (refused unevaluated), if the window it was
-- counted in is still the current one and the count stays at least 1 (the table's rule). A lock stays.
UPDATE login_attempts SET failed_count = failed_count - 1
WHERE username_key = :key AND first_failed_at = :first_failed_at AND failed_count > 1
