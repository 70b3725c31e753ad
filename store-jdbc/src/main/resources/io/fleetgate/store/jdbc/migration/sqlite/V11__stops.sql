-- fleetgate V11: stops as first-class work (issue #16): stop ids, time windows, proof
-- requirements and code hashes on batch_stops; each batch's stop progress and removed stops; the
-- stop an event concerns. See the PostgreSQL file for the rules; the columns are the same
-- (SQLite has no row-level security: see V5), and so is the JSON of stop_progress:
--   {"<stop id>": {"status": "ARRIVED", "arrived_at": "2026-11-22T10:00:00.123456Z",
--                  "early": true, "outcome_at": "…", "reason": "…", "note": "…",
--                  "proofs": {"PHOTO": ["<content hash>", …], …}, "corrected": true}, …}
-- (status always there, other members left out when NULL, false or empty, instants ISO-8601 UTC
-- text; NULL means "derive it from visited_stops", as for a batch stored before V11).
-- Instants are INTEGER microseconds since the epoch, UTC (ISO text would sort wrongly).
-- JSON is TEXT holding fleetgate's canonical encoding, checked with json_valid.
--
-- SQLite cannot add a NOT NULL column without a constant default, so stop_id stays nullable
-- here: rows written before V11 get 'stop-' || stop_index below, and the store always writes an
-- id (a NULL would read back as that same generated id). ADD COLUMN changes no row, so the
-- append-only triggers of driver_events do not fire. ALTER TABLE … ADD COLUMN has no IF NOT
-- EXISTS on SQLite: the runner applies the file once, in one transaction.

ALTER TABLE batch_stops ADD COLUMN stop_id TEXT CHECK (length(stop_id) BETWEEN 1 AND 64);
ALTER TABLE batch_stops ADD COLUMN window_earliest INTEGER;
ALTER TABLE batch_stops ADD COLUMN window_latest INTEGER;
ALTER TABLE batch_stops ADD COLUMN proof TEXT CHECK (json_valid(proof) AND json_type(proof) = 'array');
ALTER TABLE batch_stops ADD COLUMN code_hash TEXT CHECK (length(code_hash) = 64);

UPDATE batch_stops SET stop_id = 'stop-' || stop_index WHERE stop_id IS NULL;

-- A stop id names one stop of its batch.
CREATE UNIQUE INDEX IF NOT EXISTS ux_batch_stops_stop_id ON batch_stops (batch_id, stop_id);

ALTER TABLE delivery_batches ADD COLUMN stop_progress TEXT
    CHECK (json_valid(stop_progress) AND json_type(stop_progress) = 'object');
ALTER TABLE delivery_batches ADD COLUMN removed_stops TEXT
    CHECK (json_valid(removed_stops) AND json_type(removed_stops) = 'array');

ALTER TABLE driver_events ADD COLUMN stop_id TEXT CHECK (length(stop_id) BETWEEN 1 AND 64);
