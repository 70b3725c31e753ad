-- fleetgate U5: undoes V5__row_level_security.sql (row-level security on the tables holding
-- drivers' data, their policies and the three functions that name the acting principal).
-- Keeps every row. AFTER THIS, POSTGRESQL NO LONGER ENFORCES WHO MAY SEE WHAT: only the library's
-- own checks remain. Run it as the role that owns the tables, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 5;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Order: the policies first (they call the functions), then row-level security off, then the
-- functions.

DROP POLICY IF EXISTS login_attempts_delete ON login_attempts;
DROP POLICY IF EXISTS login_attempts_select ON login_attempts;
DROP POLICY IF EXISTS login_attempts_system ON login_attempts;
ALTER TABLE login_attempts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE login_attempts DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS user_credentials_update ON user_credentials;
DROP POLICY IF EXISTS user_credentials_insert ON user_credentials;
DROP POLICY IF EXISTS user_credentials_select ON user_credentials;
ALTER TABLE user_credentials NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_credentials DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS driver_sessions_update ON driver_sessions;
DROP POLICY IF EXISTS driver_sessions_insert ON driver_sessions;
DROP POLICY IF EXISTS driver_sessions_select ON driver_sessions;
ALTER TABLE driver_sessions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_sessions DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS event_reviews_insert ON event_reviews;
DROP POLICY IF EXISTS event_reviews_select ON event_reviews;
ALTER TABLE event_reviews NO FORCE ROW LEVEL SECURITY;
ALTER TABLE event_reviews DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS quarantined_events_insert ON quarantined_events;
DROP POLICY IF EXISTS quarantined_events_select ON quarantined_events;
ALTER TABLE quarantined_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE quarantined_events DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS driver_events_insert ON driver_events;
DROP POLICY IF EXISTS driver_events_select ON driver_events;
ALTER TABLE driver_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_events DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS batch_stops_insert ON batch_stops;
DROP POLICY IF EXISTS batch_stops_select ON batch_stops;
ALTER TABLE batch_stops NO FORCE ROW LEVEL SECURITY;
ALTER TABLE batch_stops DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS delivery_batches_update ON delivery_batches;
DROP POLICY IF EXISTS delivery_batches_insert ON delivery_batches;
DROP POLICY IF EXISTS delivery_batches_select ON delivery_batches;
ALTER TABLE delivery_batches NO FORCE ROW LEVEL SECURITY;
ALTER TABLE delivery_batches DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS exclusive_sessions_own ON exclusive_sessions;
ALTER TABLE exclusive_sessions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE exclusive_sessions DISABLE ROW LEVEL SECURITY;

DROP FUNCTION IF EXISTS fleetgate_workspace();
DROP FUNCTION IF EXISTS fleetgate_user();
DROP FUNCTION IF EXISTS fleetgate_role();
