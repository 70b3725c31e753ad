-- fleetgate V11: stops as first-class work (issue #16): each stop has a stable id, an optional
-- time window, the proof of delivery it requires and the hash of a one-time code; each batch
-- keeps where every stop stands and which stops a supervisor removed; each event names the stop
-- it concerns. A supervisor's plan change rewrites a batch's stops.
--
-- batch_stops (V2) gains
--   * stop_id: the host's id for the stop, unique within its batch (1 to 64 characters). Rows
--     written before V11 get 'stop-' || stop_index, the id the library gives a stop created
--     without one (Stop.generatedId), so a batch reads back with the same ids either way.
--   * window_earliest, window_latest: the stop's time window, either bound open (NULL); both
--     NULL for no window.
--   * proof: a JSON array [{"kind": "PHOTO", "min_count": 2}, …] of what completing the stop
--     requires (kinds SIGNATURE, PHOTO, NOTE, CODE, each at most once); NULL for nothing.
--   * code_hash: lower-case hex SHA-256 of the one-time code the recipient gives, or NULL.
-- A plan change (EventLog.BatchChange.stopsChanged) deletes the batch's rows and inserts the new
-- list, in the transaction of the batch's compare-and-set update; stop_index stays the position.
--
-- delivery_batches (V2) gains
--   * stop_progress: where each stop stands, a JSON object keyed by stop id:
--       {"<stop id>": {"status": "ARRIVED", "arrived_at": "2026-11-22T10:00:00.123456Z",
--                      "early": true, "outcome_at": "…", "reason": "…", "note": "…",
--                      "proofs": {"PHOTO": ["<content hash>", …], …}, "corrected": true}, …}
--     status is always there (PENDING, ARRIVED, COMPLETED, FAILED, SKIPPED); every other member
--     is left out when NULL, false or empty. Instants are ISO-8601 UTC text (Instant.toString,
--     exact to the nanosecond). A stop without an entry is PENDING. NULL, as on every row
--     written before V11, means "derive it", as a batch stored before stops had statuses: a
--     visited stop (visited_stops) is COMPLETED, the one the driver is AT_STOP at
--     (current_stop_index) ARRIVED, the others PENDING.
--   * removed_stops: a JSON array of the ids of stops a supervisor removed from the plan (events
--     naming them are quarantined); NULL for none.
--
-- driver_events (V2, V7) gains stop_id: the id of the stop the event concerns, as resolved when
-- it was accepted, or NULL. ADD COLUMN changes no row, so the append-only triggers do not fire;
-- the log stays append-only.
--
-- Row-level security and privileges (V5, V8): fleetgate_runtime may now DELETE from batch_stops
-- (a plan change), and a FOR DELETE policy lets only the system or a supervisor of the batch's
-- workspace do it, as batch_stops_insert lets them insert; a driver or a member deletes nothing.
-- UPDATE on batch_stops is still not granted (a plan change deletes and inserts). Everything else
-- stays as V8 and V10 left it.
--
-- The backfill of stop_id updates rows of batch_stops, which FORCE ROW LEVEL SECURITY (V5) would
-- hide from the owner running this file (migrations set no principal): row-level security is
-- un-forced for that one statement and forced again, inside this file's transaction.
--
-- Re-runnable: ADD COLUMN IF NOT EXISTS, the backfill touches only rows without an id, SET NOT
-- NULL and FORCE are idempotent, CREATE … IF NOT EXISTS, DROP POLICY IF EXISTS before CREATE
-- POLICY, GRANT is idempotent.

-- --- batch_stops ------------------------------------------------------------------------------

ALTER TABLE batch_stops ADD COLUMN IF NOT EXISTS stop_id VARCHAR(64) CHECK (length(stop_id) >= 1);
ALTER TABLE batch_stops ADD COLUMN IF NOT EXISTS window_earliest TIMESTAMPTZ;
ALTER TABLE batch_stops ADD COLUMN IF NOT EXISTS window_latest TIMESTAMPTZ;
ALTER TABLE batch_stops ADD COLUMN IF NOT EXISTS proof JSONB CHECK (jsonb_typeof(proof) = 'array');
ALTER TABLE batch_stops ADD COLUMN IF NOT EXISTS code_hash VARCHAR(64) CHECK (length(code_hash) = 64);

ALTER TABLE batch_stops NO FORCE ROW LEVEL SECURITY;
UPDATE batch_stops SET stop_id = 'stop-' || stop_index WHERE stop_id IS NULL;
ALTER TABLE batch_stops FORCE ROW LEVEL SECURITY;
ALTER TABLE batch_stops ALTER COLUMN stop_id SET NOT NULL;

-- A stop id names one stop of its batch.
CREATE UNIQUE INDEX IF NOT EXISTS ux_batch_stops_stop_id ON batch_stops (batch_id, stop_id);

-- --- delivery_batches ---------------------------------------------------------------------------

ALTER TABLE delivery_batches ADD COLUMN IF NOT EXISTS stop_progress JSONB
    CHECK (jsonb_typeof(stop_progress) = 'object');
ALTER TABLE delivery_batches ADD COLUMN IF NOT EXISTS removed_stops JSONB
    CHECK (jsonb_typeof(removed_stops) = 'array');

-- --- driver_events ------------------------------------------------------------------------------

ALTER TABLE driver_events ADD COLUMN IF NOT EXISTS stop_id VARCHAR(64);

-- --- plan changes: the runtime role deletes stops, as the policy allows -----------------------

GRANT DELETE ON batch_stops TO fleetgate_runtime;

-- As batch_stops_insert: the system, or a supervisor of the batch's workspace. (A DELETE with a
-- WHERE also reads the rows, so batch_stops_select applies as well.)
DROP POLICY IF EXISTS batch_stops_delete ON batch_stops;
CREATE POLICY batch_stops_delete ON batch_stops FOR DELETE
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'supervisor'
               AND EXISTS (SELECT 1 FROM delivery_batches b
                           WHERE b.id = batch_stops.batch_id AND b.workspace_id = (SELECT fleetgate_workspace()))));
