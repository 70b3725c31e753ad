-- A workspace's batches, by id (their stops are read by find_stops_of_batches).
SELECT * FROM delivery_batches WHERE workspace_id = :workspace_id ORDER BY id
