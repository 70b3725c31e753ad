-- Makes sure the month of :at (UTC) has its partition of :parent (driver_events or driver_fixes):
-- true when it has one (found or made), false when that month's rows go to the DEFAULT partition
-- (migration V16, fleetgate_partition_ensure: owned by the owner, callable by the runtime role).
SELECT fleetgate_partition_ensure(CAST(:parent AS TEXT), CAST(:at AS TIMESTAMPTZ))
