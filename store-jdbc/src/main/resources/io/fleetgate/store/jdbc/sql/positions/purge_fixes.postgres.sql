-- Removes the oldest fixes recorded before the cut-off, at most :limit, in one statement: their
-- row addresses are collected in recorded_at order on ix_driver_fixes_recorded, then deleted by
-- address (a TID scan). Fixes are never updated, so an address stays its row's.
DELETE FROM driver_fixes
WHERE ctid = ANY (ARRAY(SELECT ctid FROM driver_fixes
                        WHERE recorded_at < :before
                        ORDER BY recorded_at
                        LIMIT :limit))
