-- Removes the oldest fixes recorded before the cut-off, at most :limit, in one statement: their
-- keys in recorded_at order on ix_driver_fixes_recorded, then the rows by primary key (the table
-- is WITHOUT ROWID).
DELETE FROM driver_fixes
WHERE (driver_id, recorded_at) IN (SELECT driver_id, recorded_at FROM driver_fixes
                                   WHERE recorded_at < :before
                                   ORDER BY recorded_at
                                   LIMIT :limit)
