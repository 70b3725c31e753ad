-- An alert's span, count and detail as they are now, and the alert it was merged into, if any.
UPDATE position_alerts
SET first_at = :first_at, last_at = :last_at, count = :count, detail = :detail, merged_into = :merged_into
WHERE id = :id
