-- The one setting every transaction begins with: the acting principal and its MAC, local to the
-- transaction (migration V8).
SELECT set_config('fleetgate.context', ?, true)
