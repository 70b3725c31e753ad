-- Drivers with a batch on route (driver_presence.on_route_batch_id, kept by V18's triggers), not
-- heard since the cut-off and without an open QUIET alert, longest silent first, ties by driver id
-- in code point order (as on SQLite): a range scan of ix_driver_presence_silent (V18), whose
-- predicate and order these are, stopped by the LIMIT.
SELECT p.driver_id, p.workspace_id, p.last_heard_at, p.last_fix_at, p.quiet_alert_id, p.on_route_batch_id AS batch_id
FROM driver_presence p
WHERE p.on_route_batch_id IS NOT NULL AND p.quiet_alert_id IS NULL AND p.last_heard_at < :before
ORDER BY p.last_heard_at, p.driver_id COLLATE "C"
LIMIT :limit
