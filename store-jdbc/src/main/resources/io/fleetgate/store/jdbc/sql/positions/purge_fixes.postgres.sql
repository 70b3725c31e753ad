-- Removes the oldest fixes recorded before the cut-off, at most :limit, in one statement: their
-- keys are collected in recorded_at order on ix_driver_fixes_recorded (the oldest partitions
-- first), then deleted by primary key (driver_id, recorded_at), which names one row across the
-- monthly partitions of V16 (a row address, ctid, does not: each partition has its own).
DELETE FROM driver_fixes f
USING (SELECT driver_id, recorded_at FROM driver_fixes
       WHERE recorded_at < :before
       ORDER BY recorded_at
       LIMIT :limit) old
WHERE f.driver_id = old.driver_id AND f.recorded_at = old.recorded_at
