-- fleetgate V12: the position stream (issue #17): the fixes a driver's phone sends every few
-- seconds, kept apart from the event log; each driver's presence (when their phone last spoke);
-- the alerts the stream raises (review items); a stop's fence as a ring and a batch's corridor.
--
-- driver_fixes: one row per fix, keyed by (driver_id, recorded_at): the primary key is both the
--   idempotency key (a fix sent again is the same row: INSERT … ON CONFLICT DO NOTHING) and the
--   index "this driver's fixes in a time range". Built for volume: no foreign key (each would
--   probe, and lock, a referenced row per fix), and one index besides the primary key,
--   ix_driver_fixes_recorded on recorded_at, for the purge (the oldest first, a bounded number at
--   a time; a btree, not BRIN: the purge reads in recorded_at order with a LIMIT, and a BRIN
--   summary never shrinks as the purge empties the oldest pages, so it would read more and more
--   of the table). Columns: lat, lng; accuracy_m, speed_mps, heading_deg (NULL when the phone did
--   not say); marks, why the fix is implausible, one bit per FixMark by ordinal (ACCURACY 1,
--   FUTURE 2, SPEED 4, STALE 8; 0 for a plausible fix); received_at, when the server took it.
--   Append-only but for the purge: no UPDATE (not granted; a trigger refuses it for everyone, the
--   owner included, as every INSERT … ON CONFLICT DO UPDATE and MERGE … UPDATE), no TRUNCATE; the
--   runtime role may DELETE, and the FOR DELETE policy lets only the system principal do it.
--
-- driver_presence: one row per driver: the workspace of the batch their phone last spoke about,
--   last_heard_at (when the server last took a fix or an event from them), last_fix_at (the
--   latest recorded_at of their fixes, NULL for none) and quiet_alert_id (the open QUIET alert of
--   their current silence, NULL when none). Both instants only move forward; hearing from the
--   driver clears quiet_alert_id. Seeded here from the event log: per driver, the latest
--   synced_at of the events they sent themselves (actor_id = driver_id) and that event's
--   workspace, so a driver on route before V12 already has a presence.
--
-- position_alerts: the alerts (kind OFF_CORRIDOR, IMPLAUSIBLE_SPEED or QUIET), each covering the
--   recorded times first_at to last_at with count fixes and events and a line of detail for
--   people; created_at orders the review queue; merged_into names the alert a merged one joined
--   (it then leaves the queue). UNIQUE (driver_id, kind, first_at): a second alert starting at the
--   same time is refused (ON CONFLICT DO NOTHING), and it is the index of a driver's alerts of a
--   kind over a span. ix_position_alerts_review_queue (workspace_id, created_at, id) WHERE
--   merged_into IS NULL is the review queue's. Rows are updated (spans grow, alerts merge), never
--   deleted. id is COLLATE "C", as event_reviews.item_id, which names an alert once reviewed.
--
-- batch_stops (V2, V11) gains polygon: the stop's fence as a JSON array of [lat, lng] vertices,
-- [[30.2672, -97.7431], …], without the closing repeat; NULL for the circle of radius_m.
-- delivery_batches (V2, V11) gains route, the corridor's line as a JSON array of [lat, lng]
-- vertices in driving order, and corridor_width_m, its full width in metres: both NULL (no
-- corridor) or both set. Written when the batch is created, never changed after.
--
-- driver_events (V2) gains ix_driver_events_unconfirmed_arrivals on (driver_id, recorded_at) for
-- the flagged ARRIVED_AT_STOP events only: the arrivals the stream may yet confirm.
--
-- Row-level security and privileges (V5, V8): the three tables are enabled and forced, with
-- policies in V8's style (the principal read once per statement):
--   driver_fixes     SELECT the system, a driver their own, a supervisor or member their
--                    workspace's; INSERT the system, a driver their own; DELETE the system only.
--   driver_presence  SELECT as driver_fixes; INSERT and UPDATE the system, a driver their own.
--   position_alerts  SELECT as driver_fixes; INSERT and UPDATE the system, a driver their own, a
--                    supervisor in their workspace (as driver_events_insert).
-- fleetgate_runtime gets SELECT, INSERT, DELETE on driver_fixes and SELECT, INSERT, UPDATE on
-- driver_presence and position_alerts. Everything else stays as V8, V10 and V11 left it.
--
-- The seed reads driver_events and writes driver_presence, which FORCE ROW LEVEL SECURITY would
-- hide from the owner running this file (migrations set no principal): row-level security is
-- un-forced on both for that one statement and forced again, inside this file's transaction.
--
-- Re-runnable: CREATE … IF NOT EXISTS, ADD COLUMN IF NOT EXISTS, the seed skips drivers that have
-- a presence, FORCE is idempotent, DROP … IF EXISTS before CREATE TRIGGER and CREATE POLICY, GRANT
-- is idempotent.

-- --- batch_stops, delivery_batches -------------------------------------------------------------

ALTER TABLE batch_stops ADD COLUMN IF NOT EXISTS polygon JSONB CHECK (jsonb_typeof(polygon) = 'array');

ALTER TABLE delivery_batches ADD COLUMN IF NOT EXISTS route JSONB CHECK (jsonb_typeof(route) = 'array');
ALTER TABLE delivery_batches ADD COLUMN IF NOT EXISTS corridor_width_m DOUBLE PRECISION
    CHECK ((corridor_width_m IS NULL) = (route IS NULL) AND corridor_width_m > 0);

-- --- driver_fixes ------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS driver_fixes (
    driver_id    VARCHAR(64) NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL,
    workspace_id VARCHAR(64) NOT NULL,
    batch_id     VARCHAR(64) NOT NULL,
    lat          DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng          DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    accuracy_m   DOUBLE PRECISION CHECK (accuracy_m >= 0),
    speed_mps    DOUBLE PRECISION CHECK (speed_mps >= 0),
    heading_deg  DOUBLE PRECISION CHECK (heading_deg >= 0 AND heading_deg < 360),
    -- FixMark bits by ordinal: ACCURACY 1, FUTURE 2, SPEED 4, STALE 8.
    marks        INTEGER NOT NULL CHECK (marks >= 0),
    received_at  TIMESTAMPTZ NOT NULL,
    -- The idempotency key, and a driver's fixes in a time range.
    CONSTRAINT pk_driver_fixes PRIMARY KEY (driver_id, recorded_at)
);

-- The purge: the oldest fixes first.
CREATE INDEX IF NOT EXISTS ix_driver_fixes_recorded ON driver_fixes (recorded_at);

-- Append-only but for the purge (fleetgate_refuse_change() is V2's): no UPDATE, no TRUNCATE.
DROP TRIGGER IF EXISTS driver_fixes_no_update ON driver_fixes;
CREATE TRIGGER driver_fixes_no_update
    BEFORE UPDATE ON driver_fixes
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS driver_fixes_no_truncate ON driver_fixes;
CREATE TRIGGER driver_fixes_no_truncate
    BEFORE TRUNCATE ON driver_fixes
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

-- --- driver_presence ---------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS driver_presence (
    driver_id      VARCHAR(64) PRIMARY KEY,
    workspace_id   VARCHAR(64) NOT NULL REFERENCES workspaces (id),
    last_heard_at  TIMESTAMPTZ NOT NULL,
    last_fix_at    TIMESTAMPTZ,
    quiet_alert_id VARCHAR(64)
);

-- A workspace's drivers (the status board).
CREATE INDEX IF NOT EXISTS ix_driver_presence_workspace ON driver_presence (workspace_id);

-- --- position_alerts ---------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS position_alerts (
    id           VARCHAR(64) COLLATE "C" PRIMARY KEY,
    workspace_id VARCHAR(64) NOT NULL REFERENCES workspaces (id),
    driver_id    VARCHAR(64) NOT NULL,
    batch_id     VARCHAR(64) NOT NULL REFERENCES delivery_batches (id),
    kind         VARCHAR(32) NOT NULL CHECK (kind IN ('OFF_CORRIDOR', 'IMPLAUSIBLE_SPEED', 'QUIET')),
    first_at     TIMESTAMPTZ NOT NULL,
    last_at      TIMESTAMPTZ NOT NULL,
    count        INTEGER NOT NULL CHECK (count >= 0),
    detail       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    merged_into  VARCHAR(64) COLLATE "C",
    CHECK (last_at >= first_at),
    -- One alert of a kind per driver starting at one time; a driver's alerts of a kind over a span.
    CONSTRAINT uq_position_alerts_start UNIQUE (driver_id, kind, first_at)
);

-- The open review queue pages through a workspace's alerts by (created_at, id), oldest first.
CREATE INDEX IF NOT EXISTS ix_position_alerts_review_queue
    ON position_alerts (workspace_id, created_at, id) WHERE merged_into IS NULL;

-- --- driver_events: the arrivals the stream may confirm ----------------------------------------

CREATE INDEX IF NOT EXISTS ix_driver_events_unconfirmed_arrivals
    ON driver_events (driver_id, recorded_at) WHERE event_type = 'ARRIVED_AT_STOP' AND flagged_for_review;

-- --- row-level security ------------------------------------------------------------------------

ALTER TABLE driver_fixes ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_fixes FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_presence ENABLE ROW LEVEL SECURITY;
ALTER TABLE position_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE position_alerts FORCE ROW LEVEL SECURITY;

-- The seed: per driver, their own latest event (ties: the greatest event id) and its workspace.
ALTER TABLE driver_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_presence NO FORCE ROW LEVEL SECURITY;
INSERT INTO driver_presence (driver_id, workspace_id, last_heard_at, last_fix_at, quiet_alert_id)
SELECT DISTINCT ON (e.driver_id) e.driver_id, e.workspace_id, e.synced_at, NULL, NULL
FROM driver_events e
WHERE e.driver_id IS NOT NULL AND e.actor_id = e.driver_id
ORDER BY e.driver_id, e.synced_at DESC, e.event_id DESC
ON CONFLICT (driver_id) DO NOTHING;
ALTER TABLE driver_events FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_presence FORCE ROW LEVEL SECURITY;

-- --- driver_fixes: the driver's own, read by their workspace, purged by the system -------------

DROP POLICY IF EXISTS driver_fixes_select ON driver_fixes;
CREATE POLICY driver_fixes_select ON driver_fixes FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

-- Fixes come from the driver's own phone.
DROP POLICY IF EXISTS driver_fixes_insert ON driver_fixes;
CREATE POLICY driver_fixes_insert ON driver_fixes FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())));

-- The purge, by age: the system only. (A DELETE with a WHERE also reads the rows, so
-- driver_fixes_select applies as well.)
DROP POLICY IF EXISTS driver_fixes_delete ON driver_fixes;
CREATE POLICY driver_fixes_delete ON driver_fixes FOR DELETE
    USING ((SELECT fleetgate_role()) = 'system');

-- --- driver_presence: moved on by the driver's own phone and by the system ---------------------

DROP POLICY IF EXISTS driver_presence_select ON driver_presence;
CREATE POLICY driver_presence_select ON driver_presence FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

DROP POLICY IF EXISTS driver_presence_insert ON driver_presence;
CREATE POLICY driver_presence_insert ON driver_presence FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())));

DROP POLICY IF EXISTS driver_presence_update ON driver_presence;
CREATE POLICY driver_presence_update ON driver_presence FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())));

-- --- position_alerts: raised by the driver's stream, the system, or the workspace's supervisors -

DROP POLICY IF EXISTS position_alerts_select ON position_alerts;
CREATE POLICY position_alerts_select ON position_alerts FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

DROP POLICY IF EXISTS position_alerts_insert ON position_alerts;
CREATE POLICY position_alerts_insert ON position_alerts FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

DROP POLICY IF EXISTS position_alerts_update ON position_alerts;
CREATE POLICY position_alerts_update ON position_alerts FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

-- --- what the runtime role may do --------------------------------------------------------------

GRANT SELECT, INSERT, DELETE ON driver_fixes TO fleetgate_runtime;
GRANT SELECT, INSERT, UPDATE ON driver_presence, position_alerts TO fleetgate_runtime;
