-- A batch as the position stream needs it to take a driver's fixes: its workspace, its driver and
-- its corridor, one row without its stops (PositionLog.findBatchRoute). On the primary key.
SELECT id, workspace_id, driver_id, route, corridor_width_m
FROM delivery_batches
WHERE id = :id
