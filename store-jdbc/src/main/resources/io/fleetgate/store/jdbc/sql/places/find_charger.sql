SELECT id, place_id, lat, lng FROM chargers WHERE id = :id
