-- Appends a chunk of accepted events (up to 500) in ONE statement, each column bound as one array
-- (instants as integer microseconds since the epoch, exact, as take_fixes.postgres.sql binds them:
-- no timestamp text to format and parse per event; JSON as text, read as jsonb): one executor
-- start, one evaluation of the insert policy's principal, one round trip, where a JDBC batch of
-- one-row inserts pays each per event. Since V16 the log is partitioned by recorded_at, and its row
-- trigger claims each event id in driver_event_ids first: an id the sender already has in the
-- workspace (whatever its recorded_at, or earlier in this very chunk) makes the trigger skip the
-- row. The ids inserted come back, so the caller tells which were taken; a taken (batch_id,
-- batch_version) is a unique violation.
INSERT INTO driver_events (
    event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type, previous_status,
    driver_status, batch_version, recorded_at, synced_at, lat, lng, accuracy_m, stop_index, payload,
    reason, content_hash, flagged_for_review, flag_reasons, stop_id)
SELECT e.event_id, e.batch_id, e.workspace_id, e.driver_id, e.actor_id, e.session_id, e.event_type,
       e.previous_status, e.driver_status, e.batch_version,
       TIMESTAMPTZ 'epoch' + e.recorded_at * INTERVAL '1 microsecond',
       TIMESTAMPTZ 'epoch' + e.synced_at * INTERVAL '1 microsecond', e.lat, e.lng,
       e.accuracy_m, e.stop_index, CAST(e.payload AS JSONB), e.reason, e.content_hash, e.flagged_for_review,
       CAST(e.flag_reasons AS JSONB), e.stop_id
FROM unnest(CAST(:event_id AS TEXT[]), CAST(:batch_id AS TEXT[]), CAST(:workspace_id AS TEXT[]),
            CAST(:driver_id AS TEXT[]), CAST(:actor_id AS TEXT[]), CAST(:session_id AS TEXT[]),
            CAST(:event_type AS TEXT[]), CAST(:previous_status AS TEXT[]), CAST(:driver_status AS TEXT[]),
            CAST(:batch_version AS BIGINT[]), CAST(:recorded_at AS BIGINT[]), CAST(:synced_at AS BIGINT[]),
            CAST(:lat AS FLOAT8[]), CAST(:lng AS FLOAT8[]), CAST(:accuracy_m AS FLOAT8[]),
            CAST(:stop_index AS INTEGER[]), CAST(:payload AS TEXT[]), CAST(:reason AS TEXT[]),
            CAST(:content_hash AS TEXT[]), CAST(:flagged_for_review AS BOOLEAN[]), CAST(:flag_reasons AS TEXT[]),
            CAST(:stop_id AS TEXT[]))
     AS e (event_id, batch_id, workspace_id, driver_id, actor_id, session_id, event_type, previous_status,
           driver_status, batch_version, recorded_at, synced_at, lat, lng, accuracy_m, stop_index, payload,
           reason, content_hash, flagged_for_review, flag_reasons, stop_id)
RETURNING event_id
