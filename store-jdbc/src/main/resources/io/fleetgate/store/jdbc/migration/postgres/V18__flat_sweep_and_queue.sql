-- fleetgate V18: the sweeper's silent drivers and the review queue's first page cost what they
-- return, however much data there is (issue #19, item 5; docs/benchmarks.md, "Cost flat as data
-- grows", findings 4 and 5).
--
-- driver_presence.on_route_batch_id: the driver's batch on route (EN_ROUTE, AT_STOP or DELAYED;
--   at most one, ux_delivery_batches_one_on_route), NULL when none. Kept by triggers, never by
--   the library's code:
--   - fleetgate_presence_from_batch() (SECURITY DEFINER, AFTER INSERT, UPDATE OF driver_status,
--     driver_id, and DELETE on delivery_batches): a batch leaving the route clears it on its
--     driver's row (only if it still names that batch), a batch going on route sets it;
--   - fleetgate_presence_on_route() (as the caller, BEFORE INSERT on driver_presence): a new
--     presence row reads its driver's batch on route (whatever the inserter wrote).
--   The race of a driver's first presence row with their batch going on or off route (neither
--   transaction sees the other's row) is closed by pg_advisory_xact_lock on
--   hashtextextended('fleetgate.on_route:' || driver, 0): the insert takes it before it reads the
--   batch, the batch trigger takes it (and updates again, with a new snapshot) only when its
--   update found no presence row. The insert skips the lock when the row exists (an upsert that
--   becomes an update keeps the row's column), so it never waits for the lock while holding the
--   row: no lock cycle with the batch trigger, which holds the batch and then the row.
--   ix_driver_presence_silent (last_heard_at, driver_id COLLATE "C") WHERE on_route_batch_id IS
--   NOT NULL AND quiet_alert_id IS NULL: find_silent is a range scan of silent drivers on route,
--   in its order, stopped by its LIMIT. driver_presence_on_route_kept (BEFORE UPDATE OF
--   on_route_batch_id) refuses an UPDATE that sets the column other than from the batch trigger
--   (pg_trigger_depth() > 1): a statement by hand cannot set it (the owner can still disable
--   triggers, as for the append-only ones).
--
-- open_review_items: one row per review queue item without a review record (workspace_id,
--   item_kind EVENT / QUARANTINED / ALERT, item_sender_id (the sender of a flagged event, '' for
--   the others), item_id, arrival_at (synced_at / received_at / created_at)), kept by
--   fleetgate_review_item_open() (SECURITY DEFINER, AFTER row triggers): a flagged event, a
--   quarantined event with a workspace, an alert not merged into another add their row; a review
--   record removes its item's row; an alert merged into another removes its row (and gets it
--   back if un-merged). ix_open_review_items_queue (workspace_id, arrival_at, item_id,
--   item_sender_id, item_kind) is the queue's order: a page is a range scan of open items. The
--   read still anti-joins event_reviews (one probe per row of the page), so a review committed
--   beside its item's insert (the item's row inserted after the review's delete ran) can leave a
--   row behind but never lists a reviewed item. fleetgate_partition_detach_before (V16) now also
--   removes the open items of the flagged events of each month it detaches.
--
-- Backfill: on_route_batch_id from delivery_batches, open_review_items from the three sources
-- without a review record (row-level security un-forced on the tables read and written for those
-- statements and forced again, inside this file's transaction, as V12).
--
-- Row-level security: open_review_items enabled and forced; SELECT the system, a supervisor or
-- member their workspace's; the owner (the trigger function) everything; the runtime role SELECT
-- only. driver_presence gets owner policies for SELECT and UPDATE (the batch trigger runs as the
-- owner: a supervisor moving a batch moves its driver's row).
--
-- Re-runnable: IF NOT EXISTS, CREATE OR REPLACE, DROP … IF EXISTS before CREATE TRIGGER and
-- CREATE POLICY, the backfills change nothing the second time, idempotent GRANT and REVOKE.

-- --- driver_presence.on_route_batch_id ---------------------------------------------------------

ALTER TABLE driver_presence ADD COLUMN IF NOT EXISTS on_route_batch_id VARCHAR(64);

ALTER TABLE driver_presence NO FORCE ROW LEVEL SECURITY;
ALTER TABLE delivery_batches NO FORCE ROW LEVEL SECURITY;
UPDATE driver_presence p SET on_route_batch_id = b.id
FROM delivery_batches b
WHERE b.driver_id = p.driver_id AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
  AND p.on_route_batch_id IS DISTINCT FROM b.id;
UPDATE driver_presence p SET on_route_batch_id = NULL
WHERE p.on_route_batch_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM delivery_batches b
                  WHERE b.id = p.on_route_batch_id AND b.driver_id = p.driver_id
                    AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED'));
ALTER TABLE delivery_batches FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_presence FORCE ROW LEVEL SECURITY;

CREATE INDEX IF NOT EXISTS ix_driver_presence_silent ON driver_presence (last_heard_at, (driver_id COLLATE "C"))
    WHERE on_route_batch_id IS NOT NULL AND quiet_alert_id IS NULL;

-- --- open_review_items -------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS open_review_items (
    workspace_id   VARCHAR(64) NOT NULL,
    item_kind      VARCHAR(16) NOT NULL CHECK (item_kind IN ('EVENT', 'QUARANTINED', 'ALERT')),
    item_sender_id VARCHAR(64) COLLATE "C" NOT NULL CHECK (item_kind = 'EVENT' OR item_sender_id = ''),
    item_id        VARCHAR(64) COLLATE "C" NOT NULL,
    arrival_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, item_kind, item_sender_id, item_id)
);

CREATE INDEX IF NOT EXISTS ix_open_review_items_queue
    ON open_review_items (workspace_id, arrival_at, item_id, item_sender_id, item_kind);

ALTER TABLE driver_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE quarantined_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE position_alerts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE event_reviews NO FORCE ROW LEVEL SECURITY;
ALTER TABLE open_review_items NO FORCE ROW LEVEL SECURITY;
INSERT INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
SELECT e.workspace_id, 'EVENT', e.actor_id, e.event_id, e.synced_at
FROM driver_events e
WHERE e.flagged_for_review
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = e.workspace_id AND r.item_kind = 'EVENT'
                    AND r.item_sender_id = e.actor_id AND r.item_id = e.event_id)
ON CONFLICT DO NOTHING;
INSERT INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
SELECT q.workspace_id, 'QUARANTINED', '', q.id, q.received_at
FROM quarantined_events q
WHERE q.workspace_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = q.workspace_id AND r.item_kind = 'QUARANTINED'
                    AND r.item_sender_id = '' AND r.item_id = q.id COLLATE "C")
ON CONFLICT DO NOTHING;
INSERT INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
SELECT a.workspace_id, 'ALERT', '', a.id, a.created_at
FROM position_alerts a
WHERE a.merged_into IS NULL
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = a.workspace_id AND r.item_kind = 'ALERT'
                    AND r.item_sender_id = '' AND r.item_id = a.id)
ON CONFLICT DO NOTHING;
ALTER TABLE open_review_items FORCE ROW LEVEL SECURITY;
ALTER TABLE event_reviews FORCE ROW LEVEL SECURITY;
ALTER TABLE position_alerts FORCE ROW LEVEL SECURITY;
ALTER TABLE quarantined_events FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_events FORCE ROW LEVEL SECURITY;

-- --- the trigger functions ---------------------------------------------------------------------

DO $$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_presence_on_route() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
BEGIN
    IF EXISTS (SELECT 1 FROM driver_presence WHERE driver_id = NEW.driver_id) THEN
        -- an upsert of a row that exists: its DO UPDATE keeps the row's on_route_batch_id
        NEW.on_route_batch_id := NULL;
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('fleetgate.on_route:' || NEW.driver_id, 0));
    NEW.on_route_batch_id := (SELECT b.id FROM delivery_batches b
                              WHERE b.driver_id = NEW.driver_id
                                AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED'));
    RETURN NEW;
END
$body$
$fn$, current_schema());

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_presence_on_route_kept() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
BEGIN
    IF pg_trigger_depth() < 2 AND NEW.on_route_batch_id IS DISTINCT FROM OLD.on_route_batch_id THEN
        RAISE EXCEPTION 'driver_presence.on_route_batch_id is kept by the batches'' triggers: UPDATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$body$
$fn$, current_schema());

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_presence_from_batch() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    was_on boolean := TG_OP <> 'INSERT' AND OLD.driver_id IS NOT NULL
                      AND OLD.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED');
    is_on  boolean := TG_OP <> 'DELETE' AND NEW.driver_id IS NOT NULL
                      AND NEW.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED');
BEGIN
    IF TG_OP = 'UPDATE' AND was_on = is_on AND OLD.driver_id IS NOT DISTINCT FROM NEW.driver_id THEN
        RETURN NULL;
    END IF;
    IF was_on THEN
        UPDATE driver_presence SET on_route_batch_id = NULL
        WHERE driver_id = OLD.driver_id AND on_route_batch_id = OLD.id;
        IF NOT FOUND THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('fleetgate.on_route:' || OLD.driver_id, 0));
            UPDATE driver_presence SET on_route_batch_id = NULL
            WHERE driver_id = OLD.driver_id AND on_route_batch_id = OLD.id;
        END IF;
    END IF;
    IF is_on THEN
        UPDATE driver_presence SET on_route_batch_id = NEW.id WHERE driver_id = NEW.driver_id;
        IF NOT FOUND THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('fleetgate.on_route:' || NEW.driver_id, 0));
            UPDATE driver_presence SET on_route_batch_id = NEW.id WHERE driver_id = NEW.driver_id;
        END IF;
    END IF;
    RETURN NULL;
END
$body$
$fn$, current_schema());

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_review_item_open() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    source text := TG_ARGV[0];
BEGIN
    IF source = 'driver_events' THEN
        IF NEW.flagged_for_review THEN
            INSERT INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
            VALUES (NEW.workspace_id, 'EVENT', NEW.actor_id, NEW.event_id, NEW.synced_at)
            ON CONFLICT DO NOTHING;
        END IF;
    ELSIF source = 'quarantined_events' THEN
        IF NEW.workspace_id IS NOT NULL THEN
            INSERT INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
            VALUES (NEW.workspace_id, 'QUARANTINED', '', NEW.id, NEW.received_at)
            ON CONFLICT DO NOTHING;
        END IF;
    ELSIF source = 'position_alerts' THEN
        IF NEW.merged_into IS NULL AND (TG_OP = 'INSERT' OR OLD.merged_into IS NOT NULL) THEN
            INSERT INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
            VALUES (NEW.workspace_id, 'ALERT', '', NEW.id, NEW.created_at)
            ON CONFLICT DO NOTHING;
        ELSIF TG_OP = 'UPDATE' AND NEW.merged_into IS NOT NULL AND OLD.merged_into IS NULL THEN
            DELETE FROM open_review_items
            WHERE workspace_id = OLD.workspace_id AND item_kind = 'ALERT' AND item_sender_id = '' AND item_id = OLD.id;
        END IF;
    ELSIF source = 'event_reviews' THEN
        DELETE FROM open_review_items
        WHERE workspace_id = NEW.workspace_id AND item_kind = NEW.item_kind
          AND item_sender_id = NEW.item_sender_id AND item_id = NEW.item_id;
    ELSE
        RAISE EXCEPTION 'fleetgate_review_item_open: unexpected table %%', source;
    END IF;
    RETURN NULL;
END
$body$
$fn$, current_schema());

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
        IF parent = 'driver_events' THEN
            -- V18: the month's flagged events leave the review queue with the month.
            EXECUTE format('DELETE FROM %%I.open_review_items o USING %%I.%%I e WHERE o.item_kind = ''EVENT'''
                           ' AND e.flagged_for_review AND o.workspace_id = e.workspace_id'
                           ' AND o.item_sender_id = e.actor_id AND o.item_id = e.event_id', schema_, schema_, target);
        END IF;
        RETURN NEXT target;
    END LOOP;
END
$body$
$fn$, current_schema(), current_schema());

END
$$;

REVOKE ALL ON FUNCTION fleetgate_presence_on_route() FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_presence_from_batch() FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_presence_on_route_kept() FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_review_item_open() FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_partition_detach_before(text, date) FROM PUBLIC;

DROP TRIGGER IF EXISTS driver_presence_on_route ON driver_presence;
CREATE TRIGGER driver_presence_on_route
    BEFORE INSERT ON driver_presence
    FOR EACH ROW EXECUTE FUNCTION fleetgate_presence_on_route();
DROP TRIGGER IF EXISTS driver_presence_on_route_kept ON driver_presence;
CREATE TRIGGER driver_presence_on_route_kept
    BEFORE UPDATE OF on_route_batch_id ON driver_presence
    FOR EACH ROW EXECUTE FUNCTION fleetgate_presence_on_route_kept();
DROP TRIGGER IF EXISTS driver_presence_from_batch ON delivery_batches;
CREATE TRIGGER driver_presence_from_batch
    AFTER INSERT OR UPDATE OF driver_status, driver_id OR DELETE ON delivery_batches
    FOR EACH ROW EXECUTE FUNCTION fleetgate_presence_from_batch();

DROP TRIGGER IF EXISTS open_review_items_from_driver_events ON driver_events;
CREATE TRIGGER open_review_items_from_driver_events
    AFTER INSERT ON driver_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_review_item_open('driver_events');
DROP TRIGGER IF EXISTS open_review_items_from_quarantined_events ON quarantined_events;
CREATE TRIGGER open_review_items_from_quarantined_events
    AFTER INSERT ON quarantined_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_review_item_open('quarantined_events');
DROP TRIGGER IF EXISTS open_review_items_from_position_alerts ON position_alerts;
CREATE TRIGGER open_review_items_from_position_alerts
    AFTER INSERT OR UPDATE OF merged_into ON position_alerts
    FOR EACH ROW EXECUTE FUNCTION fleetgate_review_item_open('position_alerts');
DROP TRIGGER IF EXISTS open_review_items_from_event_reviews ON event_reviews;
CREATE TRIGGER open_review_items_from_event_reviews
    AFTER INSERT ON event_reviews
    FOR EACH ROW EXECUTE FUNCTION fleetgate_review_item_open('event_reviews');

-- --- row-level security ------------------------------------------------------------------------

ALTER TABLE open_review_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE open_review_items FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS open_review_items_select ON open_review_items;
CREATE POLICY open_review_items_select ON open_review_items FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

-- The owner: the trigger functions (SECURITY DEFINER) and the retention call.
DO $$
BEGIN
    EXECUTE 'DROP POLICY IF EXISTS open_review_items_owner ON open_review_items';
    EXECUTE format('CREATE POLICY open_review_items_owner ON open_review_items FOR ALL TO %I USING (true) WITH CHECK (true)',
                   current_user);
    EXECUTE 'DROP POLICY IF EXISTS driver_presence_owner_select ON driver_presence';
    EXECUTE format('CREATE POLICY driver_presence_owner_select ON driver_presence FOR SELECT TO %I USING (true)',
                   current_user);
    EXECUTE 'DROP POLICY IF EXISTS driver_presence_owner_update ON driver_presence';
    EXECUTE format('CREATE POLICY driver_presence_owner_update ON driver_presence FOR UPDATE TO %I USING (true) WITH CHECK (true)',
                   current_user);
END
$$;

GRANT SELECT ON open_review_items TO fleetgate_runtime;
