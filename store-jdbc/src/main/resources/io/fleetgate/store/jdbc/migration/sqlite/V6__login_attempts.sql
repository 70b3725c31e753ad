-- fleetgate V6: login attempts reserved before the PIN hash, progressive locks, a per-source
-- limit and the security audit (issue #14, points 1 and 2). See the PostgreSQL file for the
-- rules; the tables are the same (SQLite has no row-level security: see V5).
ALTER TABLE login_attempts ADD COLUMN lock_count INTEGER NOT NULL DEFAULT 0 CHECK (lock_count >= 0);
ALTER TABLE login_attempts ADD COLUMN granted INTEGER NOT NULL DEFAULT 1 CHECK (granted IN (0, 1));

CREATE TABLE IF NOT EXISTS login_source_attempts (
    source_key      TEXT NOT NULL PRIMARY KEY CHECK (length(source_key) = 64),
    failed_count    INTEGER NOT NULL CHECK (failed_count >= 0),
    first_failed_at INTEGER NOT NULL,
    locked_until    INTEGER,
    lock_count      INTEGER NOT NULL DEFAULT 0 CHECK (lock_count >= 0),
    granted         INTEGER NOT NULL DEFAULT 1 CHECK (granted IN (0, 1))
) STRICT;

CREATE TABLE IF NOT EXISTS security_audit (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    workspace_id TEXT NOT NULL CHECK (length(workspace_id) BETWEEN 1 AND 64),
    actor_id     TEXT NOT NULL CHECK (length(actor_id) BETWEEN 1 AND 64),
    action       TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    user_id      TEXT NOT NULL CHECK (length(user_id) BETWEEN 1 AND 64),
    at           INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS ix_security_audit_workspace ON security_audit (workspace_id, at);

-- Append-only, enforced by the database itself. INSERT OR REPLACE on an existing id would delete
-- the old row without firing the delete trigger (recursive triggers are off), so an insert that
-- names an existing id is refused before the conflict is resolved.
CREATE TRIGGER IF NOT EXISTS security_audit_no_update BEFORE UPDATE ON security_audit
BEGIN
    SELECT RAISE(ABORT, 'security_audit is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS security_audit_no_delete BEFORE DELETE ON security_audit
BEGIN
    SELECT RAISE(ABORT, 'security_audit is append-only: DELETE refused');
END;
CREATE TRIGGER IF NOT EXISTS security_audit_no_replace BEFORE INSERT ON security_audit
    WHEN EXISTS (SELECT 1 FROM security_audit WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'security_audit is append-only: REPLACE refused');
END;
