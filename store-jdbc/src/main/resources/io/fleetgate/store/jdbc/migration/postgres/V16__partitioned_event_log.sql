-- fleetgate V16: the event log and the position stream partitioned by month (issue #19, item 4).
--
-- driver_events (V2, V7, V11) and driver_fixes (V12) become tables PARTITION BY RANGE (recorded_at),
-- one partition per calendar month in UTC, named <table>_y<YYYY>m<MM> (driver_events_y2026m12 holds
-- recorded_at from 2026-12-01T00:00Z inclusive to 2027-01-01T00:00Z exclusive), plus one DEFAULT
-- partition each, <table>_default. Columns, their order, types, collations, CHECK and foreign keys
-- are those of V14 unchanged (named explicitly, with the names PostgreSQL gave them then).
--
-- Idempotency without the partition key. A unique index of a partitioned table must contain the
-- partition key, so V7's UNIQUE (workspace_id, actor_id, event_id) and V2's UNIQUE (batch_id,
-- batch_version) cannot stay on driver_events: a replay of event "e-1" with another recorded_at
-- would land in another month and pass a per-partition index. They move to driver_event_ids, one
-- small, unpartitioned row per event: PRIMARY KEY (workspace_id, actor_id, event_id) and UNIQUE
-- (batch_id, batch_version), with driver_id, recorded_at (which partition holds the event) and
-- content_hash (what the store compares a resent event with). Every row of driver_events claims its
-- id there first, in the same statement: a BEFORE INSERT row trigger (fleetgate_claim_event_id(),
-- SECURITY DEFINER, as the owner) inserts the claim with ON CONFLICT DO NOTHING and, when the
-- sender's id was already claimed, returns NULL: the event row is skipped and the INSERT reports 0
-- rows, exactly as V7's INSERT … ON CONFLICT DO NOTHING did, whatever the recorded_at, for every
-- writer (the library's statement no longer names an arbiter). A taken (batch_id, batch_version)
-- under a new id raises unique_violation ("driver_events is append-only: an event with this
-- (batch_id, batch_version) is kept, never replaced", the words of SQLite's V9), as V2's constraint
-- did. Only a conflict costs the second look-up. driver_events keeps
-- the two keys as unique indexes WITH recorded_at (ux_driver_events_sender_event,
-- uq_driver_events_batch_version): lookups by sender and id use them; they decide nothing the claim
-- has not. Claims outlive retention: an event whose month was detached is still known by id, so
-- its replay is still a duplicate. driver_event_ids is append-only (V2's fleetgate_refuse_change()
-- on UPDATE, DELETE and TRUNCATE), under forced row-level security (SELECT as driver_events_select;
-- only the owner, i.e. the trigger, inserts); fleetgate_runtime may only SELECT it.
--
-- driver_fixes keeps its primary key (driver_id, recorded_at): it holds the partition key already.
--
-- Every partition: the parent's indexes, foreign keys and row triggers are cloned to it by
-- PostgreSQL (driver_events: driver_events_append_only, fleetgate_claim_event_id's trigger and the
-- change feed's constraint trigger of V14; driver_fixes: driver_fixes_no_update); the statement
-- trigger <table>_no_truncate is created on each partition as well (TRUNCATE of a partition would
-- not fire the parent's); row-level security is enabled and forced with no policy, and
-- fleetgate_runtime has no privilege on it: the runtime role reaches rows only through the parent
-- (whose policies apply), and a statement naming a partition is refused (permission denied).
--
-- Partitions are made by fleetgate_partition_create(parent, first_day) (the owner only: this file and
-- the two functions below): CREATE TABLE … (LIKE parent INCLUDING DEFAULTS INCLUDING CONSTRAINTS),
-- then ALTER TABLE parent ATTACH PARTITION, which takes SHARE UPDATE EXCLUSIVE on the parent, so
-- concurrent inserts and reads go on (CREATE TABLE … PARTITION OF would take ACCESS EXCLUSIVE).
-- The store calls fleetgate_partition_ensure(parent, recorded) (SECURITY DEFINER, as the owner;
-- EXECUTE granted to fleetgate_runtime only) before it inserts rows of a month it has not seen:
--   * parent must be 'driver_events' or 'driver_fixes', at not NULL (else an error: a bug);
--   * the month of at (UTC) must lie from 24 months before to 3 months after the database's
--     current month; outside that window it returns false and creates nothing: such rows go to
--     the DEFAULT partition (a phone whose clock is years off cannot make the store create
--     hundreds of tables);
--   * it takes pg_advisory_xact_lock on hashtextextended('fleetgate.partitions:' || parent, 0), so
--     two hosts creating the same month at once create it once (the second finds it);
--   * the month's partition exists: true; the DEFAULT partition holds rows of that month (they
--     arrived while it was out of the window): false, nothing created (ATTACH would fail), the
--     month's rows keep going to the DEFAULT partition; else it creates the partition: true.
-- Rows never move out of a DEFAULT partition by themselves; they stay readable through the parent,
-- and the retention call leaves them (docs/scale-out.md, "Partitioned event log").
--
-- Retention: fleetgate_partition_detach_before(parent, cut) (the owner only, called by
-- JdbcStore.detachPartitionsBefore) detaches every month partition before the cut, renames it
-- <partition>_detached (…_detached_2, … if taken), lifts its row-level security (so the owner can
-- archive it with pg_dump) and returns the new names. It requires the system principal to be bound
-- (it reads through the parents' policies) and, for driver_events, refuses the whole call when a
-- month to detach holds an event of a batch in progress (ACTIVE, EN_ROUTE, AT_STOP, DELAYED or
-- SUSPENDED): detaching would cut a live batch's log.
--
-- The change feed (V14): fleetgate_record_change() read TG_TABLE_NAME, which a cloned trigger
-- reports as the partition's name; it now takes the source table's name as its trigger argument
-- (the triggers on delivery_batches, quarantined_events, position_alerts and event_reviews are
-- created again with it).
--
-- The data: both tables are rebuilt in this file's transaction (ACCESS EXCLUSIVE on both for its
-- length): the old table is renamed <table>_unpartitioned, the new one created, a partition made
-- for every month that holds rows and for the database's current month and the next two, every row
-- copied (and claimed, for events), the old table dropped, then indexes, triggers, row-level
-- security, policies (V8's and V12's, unchanged) and grants (V8's and V12's) made on the new one.
-- Row-level security is un-forced on the old tables for the copy (migrations bind no principal).
--
-- Re-runnable: the rebuild runs only while a table is not partitioned yet; CREATE … IF NOT EXISTS,
-- CREATE OR REPLACE, DROP … IF EXISTS before CREATE TRIGGER and CREATE POLICY, idempotent GRANT.

-- --- the claims -------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS driver_event_ids (
    workspace_id  VARCHAR(64) NOT NULL,
    actor_id      VARCHAR(64) NOT NULL,
    event_id      VARCHAR(64) COLLATE "C" NOT NULL,
    driver_id     VARCHAR(64),
    batch_id      VARCHAR(64) NOT NULL,
    batch_version BIGINT NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR(64) NOT NULL,
    CONSTRAINT pk_driver_event_ids PRIMARY KEY (workspace_id, actor_id, event_id),
    -- One event per batch version: two instances can never both append version N.
    CONSTRAINT uq_driver_event_ids_batch_version UNIQUE (batch_id, batch_version)
);

DROP TRIGGER IF EXISTS driver_event_ids_append_only ON driver_event_ids;
CREATE TRIGGER driver_event_ids_append_only
    BEFORE UPDATE OR DELETE ON driver_event_ids
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS driver_event_ids_no_truncate ON driver_event_ids;
CREATE TRIGGER driver_event_ids_no_truncate
    BEFORE TRUNCATE ON driver_event_ids
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

-- --- the functions ------------------------------------------------------------------------------

DO $$
BEGIN
    -- The claim of an event's id, before its row is inserted (see above).
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_claim_event_id() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
BEGIN
    INSERT INTO driver_event_ids (workspace_id, actor_id, event_id, driver_id, batch_id, batch_version,
                                  recorded_at, content_hash)
    VALUES (NEW.workspace_id, NEW.actor_id, NEW.event_id, NEW.driver_id, NEW.batch_id, NEW.batch_version,
            NEW.recorded_at, NEW.content_hash)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM driver_event_ids c
               WHERE c.workspace_id = NEW.workspace_id AND c.actor_id = NEW.actor_id AND c.event_id = NEW.event_id) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'driver_events is append-only: an event with this (batch_id, batch_version) is kept, never replaced'
        USING ERRCODE = 'unique_violation', CONSTRAINT = 'uq_driver_event_ids_batch_version';
END
$body$
$fn$, current_schema());

    -- One month's partition of parent: true when it exists or was made, false when the DEFAULT
    -- partition holds rows of that month (nothing made). The owner only.
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_partition_create(parent text, first_day date) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    schema_ text := %L;
    name_    text;
    lo       timestamptz;
    hi       timestamptz;
    found_   regclass;
    parted   boolean;
BEGIN
    IF parent IS NULL OR parent NOT IN ('driver_events', 'driver_fixes') THEN
        RAISE EXCEPTION 'fleetgate_partition_create: no partitioned table %%', parent;
    END IF;
    IF first_day IS NULL OR first_day <> date_trunc('month', first_day)::date THEN
        RAISE EXCEPTION 'fleetgate_partition_create: %% is not the first day of a month', first_day;
    END IF;
    name_ := parent || '_y' || to_char(first_day, 'YYYY') || 'm' || to_char(first_day, 'MM');
    lo := first_day::timestamp AT TIME ZONE 'UTC';
    hi := (first_day + INTERVAL '1 month')::timestamp AT TIME ZONE 'UTC';
    found_ := to_regclass(format('%%I.%%I', schema_, name_));
    IF found_ IS NOT NULL THEN
        -- a table of that name that is not a partition of parent: leave it; rows go to the default
        RETURN EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = found_
                       AND i.inhparent = format('%%I.%%I', schema_, parent)::regclass);
    END IF;
    IF to_regclass(format('%%I.%%I', schema_, parent || '_default')) IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %%I.%%I WHERE recorded_at >= $1 AND recorded_at < $2)',
                       schema_, parent || '_default')
            INTO parted USING lo, hi;
        IF parted THEN
            RETURN false;
        END IF;
    END IF;
    EXECUTE format('CREATE TABLE %%I.%%I (LIKE %%I.%%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   schema_, name_, schema_, parent);
    EXECUTE format('CREATE TRIGGER %%I BEFORE TRUNCATE ON %%I.%%I FOR EACH STATEMENT EXECUTE FUNCTION %%I.fleetgate_refuse_change()',
                   parent || '_no_truncate', schema_, name_, schema_);
    EXECUTE format('ALTER TABLE %%I.%%I ENABLE ROW LEVEL SECURITY', schema_, name_);
    EXECUTE format('ALTER TABLE %%I.%%I FORCE ROW LEVEL SECURITY', schema_, name_);
    EXECUTE format('ALTER TABLE %%I.%%I ATTACH PARTITION %%I.%%I FOR VALUES FROM (%%L) TO (%%L)',
                   schema_, parent, schema_, name_, lo, hi);
    RETURN true;
END
$body$
$fn$, current_schema(), current_schema());

    -- What the store calls before inserting rows of a month it has not seen (see above).
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_partition_ensure(parent text, recorded timestamptz) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    wanted     date;
    this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
BEGIN
    IF parent IS NULL OR parent NOT IN ('driver_events', 'driver_fixes') THEN
        RAISE EXCEPTION 'fleetgate_partition_ensure: no partitioned table %%', parent;
    END IF;
    IF recorded IS NULL THEN
        RAISE EXCEPTION 'fleetgate_partition_ensure: recorded is required';
    END IF;
    wanted := date_trunc('month', recorded AT TIME ZONE 'UTC')::date;
    IF wanted < this_month - INTERVAL '24 months' OR wanted > this_month + INTERVAL '3 months' THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('fleetgate.partitions:' || parent, 0));
    RETURN fleetgate_partition_create(parent, wanted);
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
        RETURN NEXT target;
    END LOOP;
END
$body$
$fn$, current_schema(), current_schema());

    -- The change feed's trigger function (V14), the source table now its trigger argument.
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_record_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    source  text := COALESCE(TG_ARGV[0], TG_TABLE_NAME);
    ws      text;
    k       text;
    entity  text;
    driver  text;
    batch   text;
    at_     timestamptz;
    summary jsonb;
BEGIN
    IF source = 'driver_events' THEN
        ws := NEW.workspace_id; k := 'EVENT'; entity := NEW.event_id; driver := NEW.driver_id;
        batch := NEW.batch_id; at_ := NEW.recorded_at;
        summary := jsonb_build_object('event_type', NEW.event_type, 'status', NEW.driver_status,
                                      'flagged', CASE WHEN NEW.flagged_for_review THEN 'true' ELSE 'false' END,
                                      'stop_id', NEW.stop_id);
    ELSIF source = 'delivery_batches' THEN
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
    ELSIF source = 'quarantined_events' THEN
        IF NEW.workspace_id IS NULL THEN
            RETURN NULL;
        END IF;
        ws := NEW.workspace_id; k := 'QUARANTINED'; entity := NEW.id; driver := NEW.sender_id;
        batch := NEW.batch_id; at_ := NEW.received_at;
        summary := jsonb_build_object('error_code', NEW.error_code);
    ELSIF source = 'position_alerts' THEN
        IF TG_OP = 'UPDATE' AND NOT (OLD.merged_into IS NULL AND NEW.merged_into IS NOT NULL) THEN
            RETURN NULL;
        END IF;
        ws := NEW.workspace_id; k := 'ALERT'; entity := NEW.id; driver := NEW.driver_id;
        batch := NEW.batch_id;
        at_ := CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.last_at END;
        summary := jsonb_build_object('alert_kind', NEW.kind,
                                      'state', CASE WHEN TG_OP = 'INSERT' THEN 'raised' ELSE 'merged' END,
                                      'merged_into', NEW.merged_into);
    ELSIF source = 'event_reviews' THEN
        ws := NEW.workspace_id; k := 'REVIEW'; entity := NEW.id; driver := NULL; batch := NULL;
        at_ := NEW.reviewed_at;
        summary := jsonb_build_object('item_id', NEW.item_id, 'item_kind', NEW.item_kind,
                                      'sender_id', NEW.item_sender_id,
                                      'quarantined', CASE WHEN NEW.quarantined THEN 'true' ELSE 'false' END);
    ELSE
        RAISE EXCEPTION 'fleetgate_record_change: unexpected table %%', source;
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

REVOKE ALL ON FUNCTION fleetgate_claim_event_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_partition_create(text, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_partition_ensure(text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION fleetgate_partition_detach_before(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fleetgate_partition_ensure(text, timestamptz) TO fleetgate_runtime;

-- --- the rebuild ------------------------------------------------------------------------------

DO $$
DECLARE
    m date;
BEGIN
    IF (SELECT c.relkind FROM pg_class c WHERE c.oid = 'driver_events'::regclass) = 'r' THEN
        ALTER TABLE driver_events NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE driver_events RENAME TO driver_events_unpartitioned;
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
        ) PARTITION BY RANGE (recorded_at);
        CREATE TABLE driver_events_default PARTITION OF driver_events DEFAULT;
        CREATE TRIGGER driver_events_no_truncate BEFORE TRUNCATE ON driver_events_default
            FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();
        ALTER TABLE driver_events_default ENABLE ROW LEVEL SECURITY;
        ALTER TABLE driver_events_default FORCE ROW LEVEL SECURITY;
        FOR m IN
            SELECT DISTINCT date_trunc('month', recorded_at AT TIME ZONE 'UTC')::date FROM driver_events_unpartitioned
            UNION
            SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + g * INTERVAL '1 month')::date
            FROM generate_series(0, 2) AS g
        LOOP
            PERFORM fleetgate_partition_create('driver_events', m);
        END LOOP;
        INSERT INTO driver_event_ids (workspace_id, actor_id, event_id, driver_id, batch_id, batch_version,
                                      recorded_at, content_hash)
        SELECT workspace_id, actor_id, event_id, driver_id, batch_id, batch_version, recorded_at, content_hash
        FROM driver_events_unpartitioned;
        INSERT INTO driver_events (event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type,
                                   previous_status, driver_status, batch_version, recorded_at, synced_at, lat, lng,
                                   accuracy_m, stop_index, payload, reason, content_hash, flagged_for_review,
                                   flag_reasons, stop_id)
        SELECT event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type, previous_status,
               driver_status, batch_version, recorded_at, synced_at, lat, lng, accuracy_m, stop_index, payload,
               reason, content_hash, flagged_for_review, flag_reasons, stop_id
        FROM driver_events_unpartitioned;
        DROP TABLE driver_events_unpartitioned;
    END IF;

    IF (SELECT c.relkind FROM pg_class c WHERE c.oid = 'driver_fixes'::regclass) = 'r' THEN
        ALTER TABLE driver_fixes NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE driver_fixes RENAME TO driver_fixes_unpartitioned;
        ALTER TABLE driver_fixes_unpartitioned RENAME CONSTRAINT pk_driver_fixes TO pk_driver_fixes_unpartitioned;
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
            -- The idempotency key, and a driver's fixes in a time range.
            CONSTRAINT pk_driver_fixes PRIMARY KEY (driver_id, recorded_at)
        ) PARTITION BY RANGE (recorded_at);
        CREATE TABLE driver_fixes_default PARTITION OF driver_fixes DEFAULT;
        CREATE TRIGGER driver_fixes_no_truncate BEFORE TRUNCATE ON driver_fixes_default
            FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();
        ALTER TABLE driver_fixes_default ENABLE ROW LEVEL SECURITY;
        ALTER TABLE driver_fixes_default FORCE ROW LEVEL SECURITY;
        FOR m IN
            SELECT DISTINCT date_trunc('month', recorded_at AT TIME ZONE 'UTC')::date FROM driver_fixes_unpartitioned
            UNION
            SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + g * INTERVAL '1 month')::date
            FROM generate_series(0, 2) AS g
        LOOP
            PERFORM fleetgate_partition_create('driver_fixes', m);
        END LOOP;
        INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps,
                                  heading_deg, marks, received_at)
        SELECT driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps, heading_deg, marks,
               received_at
        FROM driver_fixes_unpartitioned;
        DROP TABLE driver_fixes_unpartitioned;
    END IF;
END
$$;

-- --- driver_events: indexes (V2, V4, V7, V12), triggers (V2, V14, the claim) --------------------

-- V7's and V2's keys, with the partition key (the claims decide; these serve lookups).
CREATE UNIQUE INDEX IF NOT EXISTS ux_driver_events_sender_event
    ON driver_events (workspace_id, actor_id, event_id, recorded_at);
CREATE UNIQUE INDEX IF NOT EXISTS uq_driver_events_batch_version
    ON driver_events (batch_id, batch_version, recorded_at);
CREATE INDEX IF NOT EXISTS ix_driver_events_event_id ON driver_events (event_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_driver_batch_session
    ON driver_events (driver_id, batch_id, session_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_recorded ON driver_events (recorded_at DESC);
CREATE INDEX IF NOT EXISTS ix_driver_events_review
    ON driver_events (workspace_id, recorded_at) WHERE flagged_for_review;
CREATE INDEX IF NOT EXISTS ix_driver_events_batch_recorded
    ON driver_events (batch_id, recorded_at, event_id);
CREATE INDEX IF NOT EXISTS ix_driver_events_driver_located
    ON driver_events (driver_id, recorded_at DESC, event_id DESC) WHERE lat IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_driver_events_review_queue
    ON driver_events (workspace_id, synced_at, event_id) WHERE flagged_for_review;
CREATE INDEX IF NOT EXISTS ix_driver_events_unconfirmed_arrivals
    ON driver_events (driver_id, recorded_at) WHERE event_type = 'ARRIVED_AT_STOP' AND flagged_for_review;

DROP TRIGGER IF EXISTS driver_events_claim_event_id ON driver_events;
CREATE TRIGGER driver_events_claim_event_id
    BEFORE INSERT ON driver_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_claim_event_id();
DROP TRIGGER IF EXISTS driver_events_append_only ON driver_events;
CREATE TRIGGER driver_events_append_only
    BEFORE UPDATE OR DELETE ON driver_events
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS driver_events_no_truncate ON driver_events;
CREATE TRIGGER driver_events_no_truncate
    BEFORE TRUNCATE ON driver_events
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

DROP TRIGGER IF EXISTS changes_from_driver_events ON driver_events;
CREATE CONSTRAINT TRIGGER changes_from_driver_events
    AFTER INSERT ON driver_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change('driver_events');
DROP TRIGGER IF EXISTS changes_from_delivery_batches ON delivery_batches;
CREATE CONSTRAINT TRIGGER changes_from_delivery_batches
    AFTER INSERT OR UPDATE ON delivery_batches DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change('delivery_batches');
DROP TRIGGER IF EXISTS changes_from_quarantined_events ON quarantined_events;
CREATE CONSTRAINT TRIGGER changes_from_quarantined_events
    AFTER INSERT ON quarantined_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change('quarantined_events');
DROP TRIGGER IF EXISTS changes_from_position_alerts ON position_alerts;
CREATE CONSTRAINT TRIGGER changes_from_position_alerts
    AFTER INSERT OR UPDATE ON position_alerts DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change('position_alerts');
DROP TRIGGER IF EXISTS changes_from_event_reviews ON event_reviews;
CREATE CONSTRAINT TRIGGER changes_from_event_reviews
    AFTER INSERT ON event_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fleetgate_record_change('event_reviews');

-- --- driver_fixes: index (V12), triggers (V12) ------------------------------------------------

CREATE INDEX IF NOT EXISTS ix_driver_fixes_recorded ON driver_fixes (recorded_at);

DROP TRIGGER IF EXISTS driver_fixes_no_update ON driver_fixes;
CREATE TRIGGER driver_fixes_no_update
    BEFORE UPDATE ON driver_fixes
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS driver_fixes_no_truncate ON driver_fixes;
CREATE TRIGGER driver_fixes_no_truncate
    BEFORE TRUNCATE ON driver_fixes
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

-- --- row-level security -------------------------------------------------------------------------

ALTER TABLE driver_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_events FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_fixes ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_fixes FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_event_ids ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_event_ids FORCE ROW LEVEL SECURITY;

-- driver_events (V8).
DROP POLICY IF EXISTS driver_events_select ON driver_events;
CREATE POLICY driver_events_select ON driver_events FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

DROP POLICY IF EXISTS driver_events_insert ON driver_events;
CREATE POLICY driver_events_insert ON driver_events FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

-- driver_fixes (V12).
DROP POLICY IF EXISTS driver_fixes_select ON driver_fixes;
CREATE POLICY driver_fixes_select ON driver_fixes FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

DROP POLICY IF EXISTS driver_fixes_insert ON driver_fixes;
CREATE POLICY driver_fixes_insert ON driver_fixes FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())));

DROP POLICY IF EXISTS driver_fixes_delete ON driver_fixes;
CREATE POLICY driver_fixes_delete ON driver_fixes FOR DELETE
    USING ((SELECT fleetgate_role()) = 'system');

-- driver_event_ids: read as the events are; written only by the owner (the claim trigger).
DROP POLICY IF EXISTS driver_event_ids_select ON driver_event_ids;
CREATE POLICY driver_event_ids_select ON driver_event_ids FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

DO $$
BEGIN
    EXECUTE 'DROP POLICY IF EXISTS driver_event_ids_claim ON driver_event_ids';
    EXECUTE format('CREATE POLICY driver_event_ids_claim ON driver_event_ids FOR INSERT TO %I WITH CHECK (true)',
                   current_user);
    -- INSERT … ON CONFLICT reads its arbiter's row: the owner's claim sees every claim.
    EXECUTE 'DROP POLICY IF EXISTS driver_event_ids_claim_read ON driver_event_ids';
    EXECUTE format('CREATE POLICY driver_event_ids_claim_read ON driver_event_ids FOR SELECT TO %I USING (true)',
                   current_user);
END
$$;

-- --- what the runtime role may do ------------------------------------------------------------

GRANT SELECT, INSERT ON driver_events TO fleetgate_runtime;
GRANT SELECT, INSERT, DELETE ON driver_fixes TO fleetgate_runtime;
GRANT SELECT ON driver_event_ids TO fleetgate_runtime;
