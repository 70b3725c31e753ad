SELECT id, place_id, name FROM merchants WHERE id = :id
