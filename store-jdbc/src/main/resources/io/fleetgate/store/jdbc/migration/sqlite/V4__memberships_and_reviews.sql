-- fleetgate V4: workspace memberships with a role (seed 004, next step 3: supervisor role
-- enforcement) and the append-only review records of the supervisors' review queue (seed 004,
-- "For Supervisors": flagged event review queue).
-- Instants are INTEGER microseconds since the epoch, UTC (ISO text would sort wrongly).
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.

CREATE TABLE IF NOT EXISTS workspace_members (
    user_id      TEXT NOT NULL CHECK (length(user_id) BETWEEN 1 AND 64),
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    role         TEXT NOT NULL CHECK (role IN ('DRIVER', 'SUPERVISOR', 'MEMBER')),
    -- One role per user and workspace; a user may belong to several workspaces.
    PRIMARY KEY (user_id, workspace_id)
) STRICT;

-- A workspace's members, by user id (the status board; the foreign key).
CREATE INDEX IF NOT EXISTS ix_workspace_members_workspace ON workspace_members (workspace_id, user_id);

CREATE TABLE IF NOT EXISTS event_reviews (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    -- driver_events.event_id of a flagged event, or quarantined_events.id. No foreign key: it
    -- names a row of either table (quarantined says which).
    item_id      TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
    quarantined  INTEGER NOT NULL CHECK (quarantined IN (0, 1)),
    reviewer_id  TEXT NOT NULL CHECK (length(reviewer_id) BETWEEN 1 AND 64),
    note         TEXT NOT NULL CHECK (length(note) >= 1),
    reviewed_at  INTEGER NOT NULL,
    -- An item is reviewed once: a second review of it is refused (ON CONFLICT DO NOTHING).
    -- Also the index the open queue's anti-join probes.
    CONSTRAINT uq_event_reviews_item UNIQUE (workspace_id, item_id)
) STRICT;

-- The open review queue pages through a workspace's flagged events by (synced_at, event_id) and
-- its quarantined events by (received_at, id), oldest first.
CREATE INDEX IF NOT EXISTS ix_driver_events_review_queue
    ON driver_events (workspace_id, synced_at, event_id) WHERE flagged_for_review;
CREATE INDEX IF NOT EXISTS ix_quarantined_events_review_queue
    ON quarantined_events (workspace_id, received_at, id);

-- Append-only, enforced by the database itself. (SQLite has no TRUNCATE: a DELETE without WHERE
-- fires the delete trigger.)
CREATE TRIGGER IF NOT EXISTS event_reviews_no_update BEFORE UPDATE ON event_reviews
BEGIN
    SELECT RAISE(ABORT, 'event_reviews is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS event_reviews_no_delete BEFORE DELETE ON event_reviews
BEGIN
    SELECT RAISE(ABORT, 'event_reviews is append-only: DELETE refused');
END;
