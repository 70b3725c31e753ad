-- fleetgate U17: undoes V17__volume_indexes.sql: drops its indexes (no row changes; the paths they
-- serve work without them, reading more as data grows). Run it in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 17;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP INDEX IF EXISTS ix_delivery_batches_driver_updated;
DROP INDEX IF EXISTS ix_delivery_batches_driver_status;
