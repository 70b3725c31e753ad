-- Drivers with a batch on route (the one-on-route partial index), not heard since the cut-off and
-- without an open QUIET alert, longest silent first, ties by driver id in code point order (as on
-- SQLite).
SELECT p.driver_id, p.workspace_id, p.last_heard_at, p.last_fix_at, p.quiet_alert_id, b.id AS batch_id
FROM driver_presence p
JOIN delivery_batches b ON b.driver_id = p.driver_id AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
WHERE p.quiet_alert_id IS NULL AND p.last_heard_at < :before
ORDER BY p.last_heard_at, p.driver_id COLLATE "C", b.id COLLATE "C"
LIMIT :limit
