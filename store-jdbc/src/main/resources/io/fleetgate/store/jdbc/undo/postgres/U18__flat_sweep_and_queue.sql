-- fleetgate U18: undoes V18__flat_sweep_and_queue.sql: drops the triggers and functions that keep
-- driver_presence.on_route_batch_id and open_review_items, the table open_review_items (its rows
-- are derived: every item is still in its own table, and the queue reads those again), the index
-- ix_driver_presence_silent and the column on_route_batch_id, and the owner policies on
-- driver_presence; fleetgate_partition_detach_before() is V16's again. No row of any other table
-- changes. Run it in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 18;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP TRIGGER IF EXISTS driver_presence_on_route ON driver_presence;
DROP TRIGGER IF EXISTS driver_presence_on_route_kept ON driver_presence;
DROP TRIGGER IF EXISTS driver_presence_from_batch ON delivery_batches;
DROP TRIGGER IF EXISTS open_review_items_from_driver_events ON driver_events;
DROP TRIGGER IF EXISTS open_review_items_from_quarantined_events ON quarantined_events;
DROP TRIGGER IF EXISTS open_review_items_from_position_alerts ON position_alerts;
DROP TRIGGER IF EXISTS open_review_items_from_event_reviews ON event_reviews;
DROP FUNCTION IF EXISTS fleetgate_presence_on_route();
DROP FUNCTION IF EXISTS fleetgate_presence_from_batch();
DROP FUNCTION IF EXISTS fleetgate_presence_on_route_kept();
DROP FUNCTION IF EXISTS fleetgate_review_item_open();

DROP TABLE IF EXISTS open_review_items;

DROP POLICY IF EXISTS driver_presence_owner_select ON driver_presence;
DROP POLICY IF EXISTS driver_presence_owner_update ON driver_presence;
DROP INDEX IF EXISTS ix_driver_presence_silent;
ALTER TABLE driver_presence DROP COLUMN IF EXISTS on_route_batch_id;

DO $$
BEGIN
    -- Retention (see above). The owner only, with the system principal bound.
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_partition_detach_before(parent text, cut date) RETURNS SETOF text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    schema_ text := %L;
    part    record;
    lo      timestamptz;
    hi      timestamptz;
    live    bigint;
    sample  text;
    target  text;
    n       integer;
BEGIN
    IF parent IS NULL OR parent NOT IN ('driver_events', 'driver_fixes') THEN
        RAISE EXCEPTION 'fleetgate_partition_detach_before: no partitioned table %%', parent;
    END IF;
    IF cut IS NULL OR cut <> date_trunc('month', cut)::date THEN
        RAISE EXCEPTION 'fleetgate_partition_detach_before: %% is not the first day of a month', cut;
    END IF;
    IF fleetgate_role() IS DISTINCT FROM 'system' THEN
        RAISE EXCEPTION 'fleetgate_partition_detach_before reads through row-level security: bind the system principal first';
    END IF;
    FOR part IN
        SELECT c.relname,
               to_date(substr(c.relname, length(parent) + 3, 4) || substr(c.relname, length(parent) + 8, 2), 'YYYYMM') AS first_day
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = format('%%I.%%I', schema_, parent)::regclass
          AND c.relname ~ ('^' || parent || '_y[0-9]{4}m[0-9]{2}$')
        ORDER BY 2
    LOOP
        CONTINUE WHEN part.first_day >= cut;
        lo := part.first_day::timestamp AT TIME ZONE 'UTC';
        hi := (part.first_day + INTERVAL '1 month')::timestamp AT TIME ZONE 'UTC';
        IF parent = 'driver_events' THEN
            SELECT count(DISTINCT e.batch_id), min(e.batch_id) INTO live, sample
            FROM driver_events e JOIN delivery_batches b ON b.id = e.batch_id
            WHERE e.recorded_at >= lo AND e.recorded_at < hi
              AND b.driver_status IN ('ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'SUSPENDED');
            IF live > 0 THEN
                RAISE EXCEPTION 'fleetgate: the events of %% are not detached: %% batch(es) with events in that month are still in progress (e.g. %%); complete or cancel them first',
                    to_char(part.first_day, 'YYYY-MM'), live, sample
                    USING ERRCODE = 'object_in_use';
            END IF;
        END IF;
        EXECUTE format('ALTER TABLE %%I.%%I DETACH PARTITION %%I.%%I', schema_, parent, schema_, part.relname);
        target := part.relname || '_detached';
        n := 1;
        WHILE to_regclass(format('%%I.%%I', schema_, target)) IS NOT NULL LOOP
            n := n + 1;
            target := part.relname || '_detached_' || n;
        END LOOP;
        EXECUTE format('ALTER TABLE %%I.%%I RENAME TO %%I', schema_, part.relname, target);
        EXECUTE format('ALTER TABLE %%I.%%I NO FORCE ROW LEVEL SECURITY', schema_, target);
        EXECUTE format('ALTER TABLE %%I.%%I DISABLE ROW LEVEL SECURITY', schema_, target);
        RETURN NEXT target;
    END LOOP;
END
$body$
$fn$, current_schema(), current_schema());

END
$$;

REVOKE ALL ON FUNCTION fleetgate_partition_detach_before(text, date) FROM PUBLIC;
