-- The first statement of an exclusive section (Tx.exclusively): binds the transaction to the
-- acting principal, as context/bind.sql does, and takes the transaction-scoped advisory lock on
-- the section's first key (a 64-bit hash of it; a collision only serialises more), in one round
-- trip. Further keys are locked one statement each, in sorted order.
SELECT set_config('fleetgate.context', ?, true), pg_advisory_xact_lock(hashtextextended(?, 0))
