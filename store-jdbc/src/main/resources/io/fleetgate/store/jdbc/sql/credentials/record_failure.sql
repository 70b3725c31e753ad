-- Counts one failed login in a single atomic statement (the row is locked while it is updated,
-- so concurrent failures on any number of instances all count). All right-hand sides of the
-- UPDATE read the row as it was before. The instants are computed by the caller, so there is no
-- interval arithmetic here and the text is the same on every database:
--   :now           the failure's instant
--   :window_start  now - lockout: a count whose first failure is at or before it has lapsed
--   :lock_end      now + lockout: the end of the lock this failure may set
-- A lapsed count, or one whose lock has ended, starts again at 1 from :now; reaching
-- :max_attempts locks the name until :lock_end (and a count below it carries no lock).
INSERT INTO login_attempts AS a (username_key, failed_count, first_failed_at, locked_until)
VALUES (:username_key, 1, :now, CASE WHEN 1 >= :max_attempts THEN :lock_end ELSE NULL END)
ON CONFLICT (username_key) DO UPDATE SET
    failed_count    = CASE WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now
                           THEN 1 ELSE a.failed_count + 1 END,
    first_failed_at = CASE WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now
                           THEN :now ELSE a.first_failed_at END,
    locked_until    = CASE WHEN (CASE WHEN a.first_failed_at <= :window_start OR a.locked_until <= :now
                                      THEN 1 ELSE a.failed_count + 1 END) >= :max_attempts
                           THEN :lock_end ELSE NULL END
RETURNING *
