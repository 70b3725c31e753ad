-- fleetgate V4: workspace memberships with a role (seed 004, next step 3: supervisor role
-- enforcement) and the append-only review records of the supervisors' review queue (seed 004,
-- "For Supervisors": flagged event review queue).
-- Enumerations are text + CHECK, not ENUM types: an ENUM cannot gain a value inside a transaction.
-- Ids are opaque text chosen by the host (up to 64 characters); ids the library makes are UUIDs.
-- COLLATE "C" where a list is ordered or paged by an id: code point order, the same on every
-- server locale and on SQLite. Every statement is re-runnable.

CREATE TABLE IF NOT EXISTS workspace_members (
    user_id      VARCHAR(64) COLLATE "C" NOT NULL CHECK (length(user_id) >= 1),
    workspace_id VARCHAR(64) COLLATE "C" NOT NULL REFERENCES workspaces (id),
    role         VARCHAR(16) NOT NULL CHECK (role IN ('DRIVER', 'SUPERVISOR', 'MEMBER')),
    -- One role per user and workspace; a user may belong to several workspaces.
    PRIMARY KEY (user_id, workspace_id)
);

-- A workspace's members, by user id (the status board; the foreign key).
CREATE INDEX IF NOT EXISTS ix_workspace_members_workspace ON workspace_members (workspace_id, user_id);

CREATE TABLE IF NOT EXISTS event_reviews (
    id           VARCHAR(64) PRIMARY KEY,
    workspace_id VARCHAR(64) NOT NULL REFERENCES workspaces (id),
    -- driver_events.event_id of a flagged event, or quarantined_events.id. No foreign key: it
    -- names a row of either table (quarantined says which).
    item_id      VARCHAR(64) COLLATE "C" NOT NULL CHECK (length(item_id) >= 1),
    quarantined  BOOLEAN NOT NULL,
    reviewer_id  VARCHAR(64) NOT NULL CHECK (length(reviewer_id) >= 1),
    note         TEXT NOT NULL CHECK (length(note) >= 1),
    reviewed_at  TIMESTAMPTZ NOT NULL,
    -- An item is reviewed once: a second review of it is refused (ON CONFLICT DO NOTHING).
    -- Also the index the open queue's anti-join probes.
    CONSTRAINT uq_event_reviews_item UNIQUE (workspace_id, item_id)
);

-- The open review queue pages through a workspace's flagged events by (synced_at, event_id) and
-- its quarantined events by (received_at, id), oldest first.
CREATE INDEX IF NOT EXISTS ix_driver_events_review_queue
    ON driver_events (workspace_id, synced_at, event_id) WHERE flagged_for_review;
CREATE INDEX IF NOT EXISTS ix_quarantined_events_review_queue
    ON quarantined_events (workspace_id, received_at, id COLLATE "C");

-- Append-only, enforced by the database itself (fleetgate_refuse_change() is V2's): a review is
-- an audit record, never changed or removed.
DROP TRIGGER IF EXISTS event_reviews_append_only ON event_reviews;
CREATE TRIGGER event_reviews_append_only
    BEFORE UPDATE OR DELETE ON event_reviews
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS event_reviews_no_truncate ON event_reviews;
CREATE TRIGGER event_reviews_no_truncate
    BEFORE TRUNCATE ON event_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();
