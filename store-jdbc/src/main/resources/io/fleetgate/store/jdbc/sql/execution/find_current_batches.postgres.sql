-- The listed drivers' current batches in a workspace with their stops (appended to batch_rows.sql):
-- per driver the batch on route (ux_delivery_batches_one_on_route: at most one), else the most
-- recently updated (ties: the smallest id in code point order, as on SQLite), read by index one
-- driver at a time (ix_delivery_batches_driver_updated, V17), however many batches the workspace
-- and the driver have had. The ids are gathered first (an ARRAY subquery, evaluated once) and the
-- batches then read by primary key: as "b.id IN (subquery)" PostgreSQL hashed a scan of every
-- batch the caller may see (EXPLAIN in docs/benchmarks.md, "Cost flat as data grows").
WHERE b.id = ANY (ARRAY(
    SELECT COALESCE(
        (SELECT c.id FROM delivery_batches c
         WHERE c.driver_id = d.id AND c.workspace_id = :workspace_id
           AND c.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')),
        (SELECT c.id FROM delivery_batches c
         WHERE c.workspace_id = :workspace_id AND c.driver_id = d.id
         ORDER BY c.updated_at DESC, c.id COLLATE "C"
         LIMIT 1))
    FROM unnest(CAST(ARRAY[<ids>] AS TEXT[])) AS d (id)))
ORDER BY b.id COLLATE "C", s.stop_index
