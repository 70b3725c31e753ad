-- The batches assigned to a driver, by id (their stops are read by find_stops_of_batches).
SELECT * FROM delivery_batches WHERE driver_id = :driver_id ORDER BY id
