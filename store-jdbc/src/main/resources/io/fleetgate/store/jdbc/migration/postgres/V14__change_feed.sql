-- fleetgate V14: the change feed (issue #18, item 3): one row per committed change of the source
-- tables, written by database triggers (no code path can forget one), read by cursor.
--
-- changes: seq (from the sequence changes_seq, taken at COMMIT under the workspace's lock: see
--   below), workspace_id, kind (EVENT, BATCH, QUARANTINED, ALERT, REVIEW), entity_id (the source
--   row's id), driver_id and batch_id (NULL when unknown), at (the instant the change happened,
--   copied from the source row: never now()), summary (a JSON object of text values).
--   Indexes: the primary key seq; ix_changes_workspace (workspace_id, seq), the feed's;
--   ix_changes_driver (workspace_id, driver_id, seq), a driver's feed; ix_changes_at (at), the
--   purge's. Append-only but for the purge: no UPDATE (a trigger refuses it), no TRUNCATE; rows
--   are inserted only by fleetgate_record_change() (SECURITY DEFINER, as the owner; the runtime
--   role has no INSERT); the runtime role may DELETE and the FOR DELETE policy lets only the
--   system principal do it.
-- change_floors: per workspace, the greatest seq the purge removed (floor_seq): a cursor below it
--   has lost changes ("expired").
--
-- Gap-freedom. A plain sequence is not enough: values are taken in one order and committed in
-- another, so a reader could see seq 7 before 6 commits and move past 6 for good. Here every
-- trigger is a DEFERRED constraint trigger: it runs at COMMIT, after the transaction's own work,
-- and first takes pg_advisory_xact_lock on hashtextextended('fleetgate.changes:' || workspace, 0),
-- then takes nextval and inserts. The lock is held until the transaction has ended and is
-- visible (PostgreSQL releases transaction locks after marking the transaction committed), so
-- within one workspace the seqs are taken in commit order: when a reader sees seq N of a
-- workspace, every smaller seq of that workspace is already committed (or rolled back, and then
-- never was a change). The lock covers only the commit tail, not the transaction. A transaction
-- that changes rows of two workspaces takes both locks (in the order its rows were written):
-- fleetgate's writes touch one workspace per transaction. pg_notify('fleetgate_changes',
-- '<schema>|<workspace>') is sent from the same trigger and delivered at commit only.
--
-- What is recorded (see docs/changes.md for the summary fields):
--   driver_events INSERT                         EVENT   (at = recorded_at)
--   delivery_batches INSERT, and UPDATE moving driver_status, version, driver_id or
--     current_stop_index                         BATCH   (at = updated_at)
--   quarantined_events INSERT with a workspace   QUARANTINED (at = received_at)
--   position_alerts INSERT                       ALERT   (at = created_at)
--   position_alerts UPDATE setting merged_into   ALERT   (at = last_at)
--   event_reviews INSERT                         REVIEW  (at = reviewed_at)
-- Device sessions (driver_sessions) carry no workspace, exclusive sessions (seed 000) neither:
-- neither is in the feed. No backfill: the feed starts at V14.
--
-- Row-level security: both tables enabled and forced. changes: SELECT the system, a driver the
-- rows about them, a supervisor or member their workspace's; INSERT only the owner (through the
-- trigger function); DELETE the system. change_floors: SELECT any verified principal; INSERT and
-- UPDATE the system. fleetgate_runtime gets SELECT, DELETE on changes and SELECT, INSERT, UPDATE
-- on change_floors.
--
-- Re-runnable: IF NOT EXISTS, CREATE OR REPLACE, DROP … IF EXISTS before CREATE TRIGGER and
-- CREATE POLICY, idempotent GRANT.

CREATE SEQUENCE IF NOT EXISTS changes_seq AS BIGINT;

CREATE TABLE IF NOT EXISTS changes (
    seq          BIGINT PRIMARY KEY,
    workspace_id VARCHAR(64) COLLATE "C" NOT NULL,
    kind         VARCHAR(16) NOT NULL CHECK (kind IN ('EVENT', 'BATCH', 'QUARANTINED', 'ALERT', 'REVIEW')),
    entity_id    TEXT NOT NULL,
    driver_id    VARCHAR(64) COLLATE "C",
    batch_id     VARCHAR(64),
    at           TIMESTAMPTZ NOT NULL,
    summary      JSONB NOT NULL CHECK (jsonb_typeof(summary) = 'object')
);

CREATE INDEX IF NOT EXISTS ix_changes_workspace ON changes (workspace_id, seq);
CREATE INDEX IF NOT EXISTS ix_changes_driver ON changes (workspace_id, driver_id, seq);
CREATE INDEX IF NOT EXISTS ix_changes_at ON changes (at);

CREATE TABLE IF NOT EXISTS change_floors (
    workspace_id VARCHAR(64) COLLATE "C" PRIMARY KEY,
    floor_seq    BIGINT NOT NULL CHECK (floor_seq >= 0)
);

DROP TRIGGER IF EXISTS changes_no_update ON changes;
CREATE TRIGGER changes_no_update
    BEFORE UPDATE ON changes
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS changes_no_truncate ON changes;
CREATE TRIGGER changes_no_truncate
    BEFORE TRUNCATE ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

-- --- the trigger function ----------------------------------------------------------------------

DO $$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_record_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    ws      text;
    k       text;
    entity  text;
    driver  text;
    batch   text;
    at_     timestamptz;
    summary jsonb;
BEGIN
    IF TG_TABLE_NAME = 'driver_events' THEN
        ws := NEW.workspace_id; k := 'EVENT'; entity := NEW.event_id; driver := NEW.driver_id;
        batch := NEW.batch_id; at_ := NEW.recorded_at;
        summary := jsonb_build_object('event_type', NEW.event_type, 'status', NEW.driver_status,
                                      'flagged', CASE WHEN NEW.flagged_for_review THEN 'true' ELSE 'false' END,
                                      'stop_id', NEW.stop_id);
    ELSIF TG_TABLE_NAME = 'delivery_batches' THEN
        IF TG_OP = 'UPDATE' AND NEW.driver_status = OLD.driver_status AND NEW.version = OLD.version
                AND NEW.driver_id IS NOT DISTINCT FROM OLD.driver_id
                AND NEW.current_stop_index IS NOT DISTINCT FROM OLD.current_stop_index THEN
            RETURN NULL;
        END IF;
        ws := NEW.workspace_id; k := 'BATCH'; entity := NEW.id; driver := NEW.driver_id;
        batch := NEW.id; at_ := NEW.updated_at;
        summary := jsonb_build_object('status', NEW.driver_status, 'version', NEW.version::text,
                                      'current_stop_index', NEW.current_stop_index::text,
                                      'op', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END);
    ELSIF TG_TABLE_NAME = 'quarantined_events' THEN
        IF NEW.workspace_id IS NULL THEN
            RETURN NULL;
        END IF;
        ws := NEW.workspace_id; k := 'QUARANTINED'; entity := NEW.id; driver := NEW.sender_id;
        batch := NEW.batch_id; at_ := NEW.received_at;
        summary := jsonb_build_object('error_code', NEW.error_code);
    ELSIF TG_TABLE_NAME = 'position_alerts' THEN
        IF TG_OP = 'UPDATE' AND NOT (OLD.merged_into IS NULL AND NEW.merged_into IS NOT NULL) THEN
            RETURN NULL;
        END IF;
        ws := NEW.workspace_id; k := 'ALERT'; entity := NEW.id; driver := NEW.driver_id;
        batch := NEW.batch_id;
        at_ := CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.last_at END;
        summary := jsonb_build_object('alert_kind', NEW.kind,
                                      'state', CASE WHEN TG_OP = 'INSERT' THEN 'raised' ELSE 'merged' END,
                                      'merged_into', NEW.merged_into);
    ELSIF TG_TABLE_NAME = 'event_reviews' THEN
        ws := NEW.workspace_id; k := 'REVIEW'; entity := NEW.id; driver := NULL; batch := NULL;
        at_ := NEW.reviewed_at;
        summary := jsonb_build_object('item_id', NEW.item_id, 'item_kind', NEW.item_kind,
                                      'sender_id', NEW.item_sender_id,
                                      'quarantined', CASE WHEN NEW.quarantined THEN 'true' ELSE 'false' END);
    ELSE
        RAISE EXCEPTION 'fleetgate_record_change: unexpected table %%', TG_TABLE_NAME;
    END IF;
    -- Commit order within the workspace: the lock is held until this transaction is visible.
    PERFORM pg_advisory_xact_lock(hashtextextended('fleetgate.changes:' || ws, 0));
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (nextval('changes_seq'), ws, k, entity, driver, batch, at_, jsonb_strip_nulls(summary));
    PERFORM pg_notify('fleetgate_changes', %L || '|' || ws);
    RETURN NULL;
END
$body$
$fn$, current_schema(), current_schema());
END
$$;

REVOKE ALL ON FUNCTION fleetgate_record_change() FROM PUBLIC;

DROP TRIGGER IF EXISTS changes_from_driver_events ON driver_events;
CREATE CONSTRAINT TRIGGER changes_from_driver_events
    AFTER INSERT ON driver_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change();
DROP TRIGGER IF EXISTS changes_from_delivery_batches ON delivery_batches;
CREATE CONSTRAINT TRIGGER changes_from_delivery_batches
    AFTER INSERT OR UPDATE ON delivery_batches DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change();
DROP TRIGGER IF EXISTS changes_from_quarantined_events ON quarantined_events;
CREATE CONSTRAINT TRIGGER changes_from_quarantined_events
    AFTER INSERT ON quarantined_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change();
DROP TRIGGER IF EXISTS changes_from_position_alerts ON position_alerts;
CREATE CONSTRAINT TRIGGER changes_from_position_alerts
    AFTER INSERT OR UPDATE ON position_alerts DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change();
DROP TRIGGER IF EXISTS changes_from_event_reviews ON event_reviews;
CREATE CONSTRAINT TRIGGER changes_from_event_reviews
    AFTER INSERT ON event_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change();

-- --- row-level security ------------------------------------------------------------------------

ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE changes FORCE ROW LEVEL SECURITY;
ALTER TABLE change_floors ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_floors FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS changes_select ON changes;
CREATE POLICY changes_select ON changes FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

-- Only the owner inserts: fleetgate_record_change() runs as the owner (SECURITY DEFINER); the
-- runtime role has no INSERT privilege at all.
DO $$
BEGIN
    EXECUTE 'DROP POLICY IF EXISTS changes_insert ON changes';
    EXECUTE format('CREATE POLICY changes_insert ON changes FOR INSERT TO %I WITH CHECK (true)', current_user);
END
$$;

DROP POLICY IF EXISTS changes_delete ON changes;
CREATE POLICY changes_delete ON changes FOR DELETE
    USING ((SELECT fleetgate_role()) = 'system');

DROP POLICY IF EXISTS change_floors_select ON change_floors;
CREATE POLICY change_floors_select ON change_floors FOR SELECT
    USING ((SELECT fleetgate_role()) IS NOT NULL);

DROP POLICY IF EXISTS change_floors_insert ON change_floors;
CREATE POLICY change_floors_insert ON change_floors FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system');

DROP POLICY IF EXISTS change_floors_update ON change_floors;
CREATE POLICY change_floors_update ON change_floors FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system')
    WITH CHECK ((SELECT fleetgate_role()) = 'system');

GRANT SELECT, DELETE ON changes TO fleetgate_runtime;
GRANT SELECT, INSERT, UPDATE ON change_floors TO fleetgate_runtime;
