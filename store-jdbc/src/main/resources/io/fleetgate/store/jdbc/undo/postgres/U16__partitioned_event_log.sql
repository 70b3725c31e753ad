-- fleetgate U16: undoes V16__partitioned_event_log.sql: driver_events and driver_fixes become plain
-- tables again (every row of their partitions, the DEFAULT ones included, is copied back), with
-- V14's keys (UNIQUE (workspace_id, actor_id, event_id) and (batch_id, batch_version) on
-- driver_events again), indexes, triggers, row-level security, policies and privileges; the claim
-- table driver_event_ids and the functions fleetgate_claim_event_id(), fleetgate_partition_create(),
-- fleetgate_partition_ensure() and fleetgate_partition_detach_before() are dropped, and
-- fleetgate_record_change() and the change feed's triggers are V14's again. Partitions detached for
-- retention (<table>_y<YYYY>m<MM>_detached…) are separate tables: they are left as they are, and
-- their rows are NOT copied back (insert them into the rebuilt table first if you want them).
-- Refused (a unique index cannot be built) if two events share a sender's id or a batch version,
-- which V16's claims never allow. Rebuilds both tables: ACCESS EXCLUSIVE on them while it runs.
-- Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 16;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DO $$
BEGIN
    IF (SELECT c.relkind FROM pg_class c WHERE c.oid = 'driver_events'::regclass) = 'p' THEN
        ALTER TABLE driver_events NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE driver_events RENAME TO driver_events_partitioned;
        CREATE TABLE driver_events (
            event_id           VARCHAR(64) COLLATE "C" NOT NULL,
            batch_id           VARCHAR(64) NOT NULL,
            workspace_id       VARCHAR(64) NOT NULL,
            driver_id          VARCHAR(64),
            actor_id           VARCHAR(64) NOT NULL,
            session_id         VARCHAR(64),
            event_type         VARCHAR(32) NOT NULL,
            previous_status    VARCHAR(16) NOT NULL,
            driver_status      VARCHAR(16) NOT NULL,
            batch_version      BIGINT NOT NULL,
            recorded_at        TIMESTAMPTZ NOT NULL,
            synced_at          TIMESTAMPTZ NOT NULL,
            lat                DOUBLE PRECISION,
            lng                DOUBLE PRECISION,
            accuracy_m         DOUBLE PRECISION,
            stop_index         INTEGER,
            payload            JSONB NOT NULL,
            reason             TEXT,
            content_hash       VARCHAR(64) NOT NULL,
            flagged_for_review BOOLEAN NOT NULL,
            flag_reasons       JSONB NOT NULL,
            stop_id            VARCHAR(64),
            CONSTRAINT driver_events_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES delivery_batches (id),
            CONSTRAINT driver_events_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
            CONSTRAINT driver_events_event_type_check
                CHECK (event_type IN ('DRIVER_LOGGED_IN', 'ROUTE_STARTED', 'ARRIVED_AT_STOP', 'DEPARTED_STOP',
                                      'DELAY_REPORTED', 'ROUTE_RESUMED', 'ROUTE_COMPLETED', 'ROUTE_CANCELLED',
                                      'SUPERVISOR_OVERRIDE', 'PROOF_CAPTURED')),
            CONSTRAINT driver_events_previous_status_check
                CHECK (previous_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
            CONSTRAINT driver_events_driver_status_check
                CHECK (driver_status IN ('INACTIVE', 'ACTIVE', 'EN_ROUTE', 'AT_STOP', 'DELAYED', 'COMPLETED', 'SUSPENDED')),
            CONSTRAINT driver_events_batch_version_check CHECK (batch_version >= 1),
            CONSTRAINT driver_events_lat_check CHECK (lat BETWEEN -90 AND 90),
            CONSTRAINT driver_events_lng_check CHECK (lng BETWEEN -180 AND 180),
            CONSTRAINT driver_events_accuracy_m_check CHECK (accuracy_m >= 0),
            CONSTRAINT driver_events_stop_index_check CHECK (stop_index >= 0),
            CONSTRAINT driver_events_payload_check CHECK (jsonb_typeof(payload) = 'object'),
            CONSTRAINT driver_events_flag_reasons_check CHECK (jsonb_typeof(flag_reasons) = 'array'),
            CONSTRAINT driver_events_check CHECK ((lat IS NULL) = (lng IS NULL))
        );
        INSERT INTO driver_events (event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type,
                                   previous_status, driver_status, batch_version, recorded_at, synced_at, lat, lng,
                                   accuracy_m, stop_index, payload, reason, content_hash, flagged_for_review,
                                   flag_reasons, stop_id)
        SELECT event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type, previous_status,
               driver_status, batch_version, recorded_at, synced_at, lat, lng, accuracy_m, stop_index, payload,
               reason, content_hash, flagged_for_review, flag_reasons, stop_id
        FROM driver_events_partitioned;
        DROP TABLE driver_events_partitioned;
    END IF;

    IF (SELECT c.relkind FROM pg_class c WHERE c.oid = 'driver_fixes'::regclass) = 'p' THEN
        ALTER TABLE driver_fixes NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE driver_fixes RENAME TO driver_fixes_partitioned;
        ALTER TABLE driver_fixes_partitioned RENAME CONSTRAINT pk_driver_fixes TO pk_driver_fixes_partitioned;
        CREATE TABLE driver_fixes (
            driver_id    VARCHAR(64) NOT NULL,
            recorded_at  TIMESTAMPTZ NOT NULL,
            workspace_id VARCHAR(64) NOT NULL,
            batch_id     VARCHAR(64) NOT NULL,
            lat          DOUBLE PRECISION NOT NULL,
            lng          DOUBLE PRECISION NOT NULL,
            accuracy_m   DOUBLE PRECISION,
            speed_mps    DOUBLE PRECISION,
            heading_deg  DOUBLE PRECISION,
            marks        INTEGER NOT NULL,
            received_at  TIMESTAMPTZ NOT NULL,
            CONSTRAINT driver_fixes_lat_check CHECK (lat BETWEEN -90 AND 90),
            CONSTRAINT driver_fixes_lng_check CHECK (lng BETWEEN -180 AND 180),
            CONSTRAINT driver_fixes_accuracy_m_check CHECK (accuracy_m >= 0),
            CONSTRAINT driver_fixes_speed_mps_check CHECK (speed_mps >= 0),
            CONSTRAINT driver_fixes_heading_deg_check CHECK (heading_deg >= 0 AND heading_deg < 360),
            CONSTRAINT driver_fixes_marks_check CHECK (marks >= 0),
            CONSTRAINT pk_driver_fixes PRIMARY KEY (driver_id, recorded_at)
        );
        INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps,
                                  heading_deg, marks, received_at)
        SELECT driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps, heading_deg, marks,
               received_at
        FROM driver_fixes_partitioned;
        DROP TABLE driver_fixes_partitioned;
    END IF;
END
$$;

DROP TABLE IF EXISTS driver_event_ids;
DROP FUNCTION IF EXISTS fleetgate_claim_event_id();
DROP FUNCTION IF EXISTS fleetgate_partition_detach_before(text, date);
DROP FUNCTION IF EXISTS fleetgate_partition_ensure(text, timestamptz);
DROP FUNCTION IF EXISTS fleetgate_partition_create(text, date);

-- --- driver_events as V14 left it -------------------------------------------------------------

ALTER TABLE driver_events ADD CONSTRAINT uq_driver_events_batch_version UNIQUE (batch_id, batch_version);
CREATE UNIQUE INDEX ux_driver_events_sender_event ON driver_events (workspace_id, actor_id, event_id);
CREATE INDEX ix_driver_events_event_id ON driver_events (event_id);
CREATE INDEX ix_driver_events_driver_batch_session ON driver_events (driver_id, batch_id, session_id);
CREATE INDEX ix_driver_events_recorded ON driver_events (recorded_at DESC);
CREATE INDEX ix_driver_events_review ON driver_events (workspace_id, recorded_at) WHERE flagged_for_review;
CREATE INDEX ix_driver_events_batch_recorded ON driver_events (batch_id, recorded_at, event_id);
CREATE INDEX ix_driver_events_driver_located
    ON driver_events (driver_id, recorded_at DESC, event_id DESC) WHERE lat IS NOT NULL;
CREATE INDEX ix_driver_events_review_queue
    ON driver_events (workspace_id, synced_at, event_id) WHERE flagged_for_review;
CREATE INDEX ix_driver_events_unconfirmed_arrivals
    ON driver_events (driver_id, recorded_at) WHERE event_type = 'ARRIVED_AT_STOP' AND flagged_for_review;

CREATE TRIGGER driver_events_append_only
    BEFORE UPDATE OR DELETE ON driver_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
CREATE TRIGGER driver_events_no_truncate
    BEFORE TRUNCATE ON driver_events
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

ALTER TABLE driver_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_events FORCE ROW LEVEL SECURITY;

CREATE POLICY driver_events_select ON driver_events FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));
CREATE POLICY driver_events_insert ON driver_events FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

GRANT SELECT, INSERT ON driver_events TO fleetgate_runtime;

-- --- driver_fixes as V12 left it --------------------------------------------------------------

CREATE INDEX ix_driver_fixes_recorded ON driver_fixes (recorded_at);

CREATE TRIGGER driver_fixes_no_update
    BEFORE UPDATE ON driver_fixes
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
CREATE TRIGGER driver_fixes_no_truncate
    BEFORE TRUNCATE ON driver_fixes
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

ALTER TABLE driver_fixes ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_fixes FORCE ROW LEVEL SECURITY;

CREATE POLICY driver_fixes_select ON driver_fixes FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));
CREATE POLICY driver_fixes_insert ON driver_fixes FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())));
CREATE POLICY driver_fixes_delete ON driver_fixes FOR DELETE
    USING ((SELECT fleetgate_role()) = 'system');

GRANT SELECT, INSERT, DELETE ON driver_fixes TO fleetgate_runtime;

-- --- the change feed as V14 left it -----------------------------------------------------------

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
