-- fleetgate V17: indexes that keep the hot paths' cost flat as data grows (issue #19, item 5;
-- docs/benchmarks.md, "Cost flat as data grows"). Indexes only: no row changes.
--
-- ix_delivery_batches_driver_updated (workspace_id, driver_id, updated_at DESC): the status
--   board's page reads each of its drivers' current batch (find_current_batches.sql): the one on
--   route by ux_delivery_batches_one_on_route, else the latest updated in the workspace by this
--   index, one entry per driver however many batches the driver has had.
-- ix_delivery_batches_driver_status (driver_id, driver_status): a login activates the driver's
--   INACTIVE batches (find_batches_assigned_with_status.sql) and reads only those, not every batch
--   the driver ever had.
--
-- Re-runnable: CREATE INDEX IF NOT EXISTS.

CREATE INDEX IF NOT EXISTS ix_delivery_batches_driver_updated
    ON delivery_batches (workspace_id, driver_id, updated_at DESC);
CREATE INDEX IF NOT EXISTS ix_delivery_batches_driver_status
    ON delivery_batches (driver_id, driver_status);
