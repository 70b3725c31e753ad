-- Detaches every month partition of :parent (driver_events or driver_fixes) before :cut (the first
-- day of a month) and returns the detached tables' new names (migration V16,
-- fleetgate_partition_detach_before: run as the owner, with the system principal bound; refuses the
-- whole call while a month to detach holds events of a batch in progress).
SELECT fleetgate_partition_detach_before(CAST(:parent AS TEXT), CAST(:cut AS DATE)) AS detached
