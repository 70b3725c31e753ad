SELECT * FROM delivery_batches WHERE id = :id
