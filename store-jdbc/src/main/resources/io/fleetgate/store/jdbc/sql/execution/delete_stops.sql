-- A batch's stops, before a plan change inserts the new list (in the transaction of the batch's
-- compare-and-set update).
DELETE FROM batch_stops WHERE batch_id = :batch_id
