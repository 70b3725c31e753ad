-- fleetgate V6: login attempts reserved before the PIN hash, progressive locks, a per-source
-- limit and the security audit (issue #14, points 1 and 2).
--
-- login_attempts (V3) now counts every attempt when it is RESERVED, before the slow PIN hash, in
-- one INSERT … ON CONFLICT DO UPDATE that refuses (and changes nothing) while the name is locked
-- and reports the outcome in `granted`; so however many attempts arrive at once, on any number
-- of hosts, at most LOGIN_MAX_ATTEMPTS are evaluated per window. `lock_count` numbers the locks
-- since the last success or unlock: each new lock doubles the last (up to LOGIN_LOCKOUT_MAX_MIN).
ALTER TABLE login_attempts ADD COLUMN IF NOT EXISTS lock_count INTEGER NOT NULL DEFAULT 0 CHECK (lock_count >= 0);
ALTER TABLE login_attempts ADD COLUMN IF NOT EXISTS granted INTEGER NOT NULL DEFAULT 1 CHECK (granted IN (0, 1));

-- The same count per source (the host's opaque key for where a login came from, e.g. the
-- client address), whatever the username. Only a keyed hash of the source is stored (hex
-- HMAC-SHA256), never the address. A successful login gives its attempt back, so failures alone
-- lock a source; the count may therefore drop to 0.
CREATE TABLE IF NOT EXISTS login_source_attempts (
    source_key      VARCHAR(64) PRIMARY KEY CHECK (length(source_key) = 64),
    failed_count    INTEGER NOT NULL CHECK (failed_count >= 0),
    first_failed_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ,
    lock_count      INTEGER NOT NULL DEFAULT 0 CHECK (lock_count >= 0),
    granted         INTEGER NOT NULL DEFAULT 1 CHECK (granted IN (0, 1))
);

-- Only the system counts (logins run before anyone is known).
ALTER TABLE login_source_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_source_attempts FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS login_source_attempts_system ON login_source_attempts;
CREATE POLICY login_source_attempts_system ON login_source_attempts FOR ALL
    USING (fleetgate_role() = 'system')
    WITH CHECK (fleetgate_role() = 'system');

-- What supervisors (or the system) did to the credentials of a workspace's users, e.g. lifting a
-- login lock (CredentialService.unlock writes the row in the transaction that lifts the lock).
-- A table of its own rather than event_reviews: a review is about a driver event of a batch,
-- an unlock is about a username; the workspace's supervisors read it (securityAudit).
CREATE TABLE IF NOT EXISTS security_audit (
    id           VARCHAR(64) PRIMARY KEY,
    workspace_id VARCHAR(64) NOT NULL CHECK (length(workspace_id) >= 1),
    actor_id     VARCHAR(64) NOT NULL CHECK (length(actor_id) >= 1),
    action       VARCHAR(64) NOT NULL CHECK (length(action) >= 1),
    user_id      VARCHAR(64) NOT NULL CHECK (length(user_id) >= 1),
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_security_audit_workspace ON security_audit (workspace_id, at);

-- Append-only, as the event log (fleetgate_refuse_change() is V2's).
DROP TRIGGER IF EXISTS security_audit_append_only ON security_audit;
CREATE TRIGGER security_audit_append_only
    BEFORE UPDATE OR DELETE ON security_audit
    FOR EACH ROW EXECUTE FUNCTION fleetgate_refuse_change();
DROP TRIGGER IF EXISTS security_audit_no_truncate ON security_audit;
CREATE TRIGGER security_audit_no_truncate
    BEFORE TRUNCATE ON security_audit
    FOR EACH STATEMENT EXECUTE FUNCTION fleetgate_refuse_change();

-- The system, or a supervisor for their own workspace, appends; the same read it.
ALTER TABLE security_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_audit FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS security_audit_select ON security_audit;
CREATE POLICY security_audit_select ON security_audit FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));
DROP POLICY IF EXISTS security_audit_insert ON security_audit;
CREATE POLICY security_audit_insert ON security_audit FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()
                    AND actor_id = fleetgate_user()));
