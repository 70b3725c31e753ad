SELECT id, place_id, name FROM merchants WHERE place_id = :place_id
