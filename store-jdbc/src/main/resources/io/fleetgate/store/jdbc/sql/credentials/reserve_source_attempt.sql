-- Reserves one login attempt for a source (see reserve_attempt.sql, the same rule on the per-source table), BEFORE its PIN is hashed, in a single atomic
-- statement (the row is locked while it is updated, so reservations on any number of instances
-- are serialised and none is lost). All right-hand sides read the row as it was before.
--   :now           the attempt's instant
--   :window_start  now - window: a count whose first attempt is at or before it has lapsed
--   :lock_end      the end of the lock this attempt may set (the shortest lock; the caller may
--                  then lengthen it, see extend_lock)
-- While the row is locked (locked_until > :now) nothing changes and granted = 0: the attempt is
-- refused, unevaluated. Otherwise granted = 1 and the attempt is counted: a lapsed count, or one
-- whose lock has ended, starts again at 1 from :now; reaching :max_attempts locks the name until
-- :lock_end and adds one to lock_count (a count below it carries no lock).
INSERT INTO login_source_attempts AS a (source_key, failed_count, first_failed_at, locked_until, lock_count, granted)
VALUES (:key, 1, :now, CASE WHEN 1 >= :max_attempts THEN :lock_end ELSE NULL END,
        CASE WHEN 1 >= :max_attempts THEN 1 ELSE 0 END, 1)
ON CONFLICT (source_key) DO UPDATE SET
    failed_count    = CASE WHEN a.locked_until > :now THEN a.failed_count
                           WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now THEN 1
                           ELSE a.failed_count + 1 END,
    first_failed_at = CASE WHEN a.locked_until > :now THEN a.first_failed_at
                           WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now THEN :now
                           ELSE a.first_failed_at END,
    locked_until    = CASE WHEN a.locked_until > :now THEN a.locked_until
                           WHEN (CASE WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now
                                      THEN 1 ELSE a.failed_count + 1 END) >= :max_attempts THEN :lock_end
                           ELSE NULL END,
    lock_count      = CASE WHEN a.locked_until > :now THEN a.lock_count
                           WHEN (CASE WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now
                                      THEN 1 ELSE a.failed_count + 1 END) >= :max_attempts THEN a.lock_count + 1
                           ELSE a.lock_count END,
    granted         = CASE WHEN a.locked_until > :now THEN 0 ELSE 1 END
RETURNING source_key AS subject_key, failed_count, first_failed_at, locked_until, lock_count, granted
