-- fleetgate V12: the position stream (issue #17): driver_fixes (the fixes a driver's phone
-- sends, append-only but for the purge by age), driver_presence (when each driver's phone last
-- spoke), position_alerts (the review items the stream raises), a stop's fence as a ring
-- (batch_stops.polygon) and a batch's corridor (delivery_batches.route, corridor_width_m), and an
-- index on driver_events for the arrivals the stream may confirm. See the PostgreSQL file for the
-- rules; the tables and columns are the same (SQLite has no row-level security: see V5). The
-- JSON of polygon and route is an array of [lat, lng] vertices: [[30.2672, -97.7431], …].
-- marks holds one bit per FixMark by ordinal (ACCURACY 1, FUTURE 2, SPEED 4, STALE 8).
-- Instants are INTEGER microseconds since the epoch, UTC (ISO text would sort wrongly).
-- JSON is TEXT holding fleetgate's canonical encoding, checked with json_valid.
--
-- driver_fixes is WITHOUT ROWID: its rows live in the primary key's b-tree, (driver_id,
-- recorded_at) order, so a fix costs two b-trees (that one and the purge's index on recorded_at),
-- not three. Append-only but for the purge, for any connection to the file: UPDATE is refused
-- by a trigger, and a BEFORE INSERT trigger drops a row whose key is taken (RAISE(IGNORE), what
-- ON CONFLICT DO NOTHING does) so that INSERT OR REPLACE and REPLACE INTO cannot replace a stored
-- fix (see V9). DELETE stays allowed: the purge.
--
-- driver_presence is seeded from the event log: per driver, the latest synced_at of the events
-- they sent themselves (actor_id = driver_id; ties: the greatest event id) and that event's
-- workspace. ALTER TABLE … ADD COLUMN has no IF NOT EXISTS on SQLite: the runner applies the file
-- once, in one transaction.

ALTER TABLE batch_stops ADD COLUMN polygon TEXT CHECK (json_valid(polygon) AND json_type(polygon) = 'array');

ALTER TABLE delivery_batches ADD COLUMN route TEXT CHECK (json_valid(route) AND json_type(route) = 'array');
ALTER TABLE delivery_batches ADD COLUMN corridor_width_m REAL
    CHECK ((corridor_width_m IS NULL) = (route IS NULL) AND corridor_width_m > 0);

CREATE TABLE IF NOT EXISTS driver_fixes (
    driver_id    TEXT NOT NULL CHECK (length(driver_id) BETWEEN 1 AND 64),
    recorded_at  INTEGER NOT NULL,
    workspace_id TEXT NOT NULL CHECK (length(workspace_id) BETWEEN 1 AND 64),
    batch_id     TEXT NOT NULL CHECK (length(batch_id) BETWEEN 1 AND 64),
    lat          REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng          REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
    accuracy_m   REAL CHECK (accuracy_m >= 0),
    speed_mps    REAL CHECK (speed_mps >= 0),
    heading_deg  REAL CHECK (heading_deg >= 0 AND heading_deg < 360),
    -- FixMark bits by ordinal: ACCURACY 1, FUTURE 2, SPEED 4, STALE 8.
    marks        INTEGER NOT NULL CHECK (marks >= 0),
    received_at  INTEGER NOT NULL,
    -- The idempotency key, and a driver's fixes in a time range.
    PRIMARY KEY (driver_id, recorded_at)
) STRICT, WITHOUT ROWID;

-- The purge: the oldest fixes first.
CREATE INDEX IF NOT EXISTS ix_driver_fixes_recorded ON driver_fixes (recorded_at);

CREATE TRIGGER IF NOT EXISTS driver_fixes_no_update BEFORE UPDATE ON driver_fixes
BEGIN
    SELECT RAISE(ABORT, 'driver_fixes is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS driver_fixes_no_replace BEFORE INSERT ON driver_fixes
BEGIN
    SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM driver_fixes
                                       WHERE driver_id = NEW.driver_id AND recorded_at = NEW.recorded_at);
END;

CREATE TABLE IF NOT EXISTS driver_presence (
    driver_id      TEXT NOT NULL PRIMARY KEY CHECK (length(driver_id) BETWEEN 1 AND 64),
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id),
    last_heard_at  INTEGER NOT NULL,
    last_fix_at    INTEGER,
    quiet_alert_id TEXT CHECK (length(quiet_alert_id) BETWEEN 1 AND 64)
) STRICT;

-- A workspace's drivers (the status board).
CREATE INDEX IF NOT EXISTS ix_driver_presence_workspace ON driver_presence (workspace_id);

CREATE TABLE IF NOT EXISTS position_alerts (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    driver_id    TEXT NOT NULL CHECK (length(driver_id) BETWEEN 1 AND 64),
    batch_id     TEXT NOT NULL REFERENCES delivery_batches (id),
    kind         TEXT NOT NULL CHECK (kind IN ('OFF_CORRIDOR', 'IMPLAUSIBLE_SPEED', 'QUIET')),
    first_at     INTEGER NOT NULL,
    last_at      INTEGER NOT NULL,
    count        INTEGER NOT NULL CHECK (count >= 0),
    detail       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    merged_into  TEXT CHECK (length(merged_into) BETWEEN 1 AND 64),
    CHECK (last_at >= first_at),
    -- One alert of a kind per driver starting at one time; a driver's alerts of a kind over a span.
    CONSTRAINT uq_position_alerts_start UNIQUE (driver_id, kind, first_at)
) STRICT;

-- The open review queue pages through a workspace's alerts by (created_at, id), oldest first.
CREATE INDEX IF NOT EXISTS ix_position_alerts_review_queue
    ON position_alerts (workspace_id, created_at, id) WHERE merged_into IS NULL;

CREATE INDEX IF NOT EXISTS ix_driver_events_unconfirmed_arrivals
    ON driver_events (driver_id, recorded_at) WHERE event_type = 'ARRIVED_AT_STOP' AND flagged_for_review;

INSERT INTO driver_presence (driver_id, workspace_id, last_heard_at, last_fix_at, quiet_alert_id)
SELECT driver_id, workspace_id, synced_at, NULL, NULL
FROM (SELECT driver_id, workspace_id, synced_at,
             row_number() OVER (PARTITION BY driver_id ORDER BY synced_at DESC, event_id DESC) AS n
      FROM driver_events
      WHERE driver_id IS NOT NULL AND actor_id = driver_id)
WHERE n = 1
ON CONFLICT (driver_id) DO NOTHING;
