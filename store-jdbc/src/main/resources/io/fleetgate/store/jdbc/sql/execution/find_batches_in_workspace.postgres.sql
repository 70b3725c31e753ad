-- A workspace's batches, by id in code point order, as on SQLite (their stops are read by
-- find_stops_of_batches).
SELECT * FROM delivery_batches WHERE workspace_id = :workspace_id ORDER BY id COLLATE "C"
