-- Compare-and-set on the version: assigns (or with NULL unassigns) the driver and bumps the version.
-- The row comes back whole: where its stops stand (stop_progress), its removed stops and its
-- corridor (route, corridor_width_m) are kept.
UPDATE delivery_batches
SET driver_id = :driver_id, version = version + 1, updated_at = :now
WHERE id = :id AND version = :expected_version
RETURNING *
