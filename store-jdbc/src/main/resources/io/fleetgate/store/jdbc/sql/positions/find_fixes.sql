-- A driver's fixes recorded in a range (both ends included), oldest first, on the primary key.
SELECT * FROM driver_fixes
WHERE driver_id = :driver_id AND recorded_at >= :from AND recorded_at <= :to
ORDER BY recorded_at
LIMIT :limit
