SELECT * FROM delivery_batches WHERE id IN (<ids>)
