-- A driver's alerts of a kind, not merged into another, overlapping a span, oldest first (on
-- the (driver_id, kind, first_at) unique index).
SELECT * FROM position_alerts
WHERE driver_id = :driver_id AND kind = :kind AND merged_into IS NULL AND last_at >= :from AND first_at <= :to
ORDER BY first_at
