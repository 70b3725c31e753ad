-- The listed drivers' current batches in a workspace with their stops (appended to batch_rows.sql):
-- per driver the batch on route (ux_delivery_batches_one_on_route: at most one), else the most
-- recently updated (ties: the smallest id), read by index one driver at a time
-- (ix_delivery_batches_driver_updated, V17). The drivers with a batch in the workspace come from
-- that index too (its entries for the listed drivers only).
WHERE b.id IN (
    SELECT COALESCE(
        (SELECT c.id FROM delivery_batches c
         WHERE c.driver_id = d.driver_id AND c.workspace_id = :workspace_id
           AND c.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')),
        (SELECT c.id FROM delivery_batches c
         WHERE c.workspace_id = :workspace_id AND c.driver_id = d.driver_id
         ORDER BY c.updated_at DESC, c.id
         LIMIT 1))
    FROM (SELECT DISTINCT driver_id FROM delivery_batches
          WHERE workspace_id = :workspace_id AND driver_id IN (<ids>)) d)
ORDER BY b.id, s.stop_index
