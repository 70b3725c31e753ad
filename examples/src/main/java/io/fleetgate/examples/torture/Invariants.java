package io.fleetgate.examples.torture;

import io.fleetgate.Principal;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;

import io.fleetgate.store.jdbc.PostgresContextKey;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants, read straight from the database over JDBC (not through the library), after a
 * scenario: at most one ACTIVE exclusive session per driver, at most one current device session
 * per user, every batch's event log replaying through {@link DriverStateMachine} to its stored
 * status and version, SQLite's {@code PRAGMA integrity_check}, and every acknowledged write of a
 * {@link Ledger} present. On PostgreSQL each read runs in a transaction bound to the system
 * principal, as the store's row-level security requires. Stateless and thread-safe.
 */
final class Invariants {
    private static final DriverStateMachine MACHINE = DriverStateMachine.standard();

    private Invariants() {
    }

    /**
     * Where the database is; user and password may be {@code null} (SQLite). On PostgreSQL the
     * user is the schema's owner: only it can read the context key that binds a transaction to the
     * system principal (migration V8).
     */
    record Db(String url, String user, String password) {
        boolean postgres() {
            return url.startsWith("jdbc:postgresql:");
        }
    }

    /** Work on an open connection. */
    @FunctionalInterface
    interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * Runs {@code read} in a read-only transaction (bound to the system principal on PostgreSQL)
     * and rolls it back.
     */
    static <T> T read(Db db, Read<T> read) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            c.setAutoCommit(false);
            try {
                if (db.postgres()) {
                    PostgresContextKey.read(c).bind(c, Principal.system(), Clock.systemUTC().instant());
                }
                return read.apply(c);
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * @return one sentence per broken invariant, empty when all hold
     */
    static List<String> check(Db db) throws SQLException {
        List<String> violations = new ArrayList<>();
        if (!db.postgres()) {
            String integrity = read(db, c -> strings(c, "PRAGMA integrity_check").get(0));
            if (!"ok".equals(integrity)) {
                violations.add("PRAGMA integrity_check: " + integrity);
            }
        }
        read(db, c -> {
            for (String driver : strings(c, "SELECT driver_id FROM exclusive_sessions WHERE status = ?"
                    + " GROUP BY driver_id HAVING count(*) > 1", "ACTIVE")) {
                violations.add("driver " + driver + " has more than one ACTIVE exclusive session");
            }
            for (String user : strings(c, "SELECT user_id FROM driver_sessions WHERE invalidated_at IS NULL"
                    + " GROUP BY user_id HAVING count(*) > ?", 1)) {
                violations.add("user " + user + " has more than one current device session");
            }
            violations.addAll(replay(c));
            return null;
        });
        return violations;
    }

    /** Replays every batch's log: statuses chain, versions run 1..n, and the batch row agrees. */
    private static List<String> replay(Connection c) throws SQLException {
        Map<String, String[]> batches = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT id, driver_status, version FROM delivery_batches");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                batches.put(rs.getString(1), new String[] {rs.getString(2), Long.toString(rs.getLong(3))});
            }
        }
        Map<String, DriverStatus> status = new LinkedHashMap<>();
        Map<String, Long> version = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT batch_id, event_id, event_type, previous_status,"
                + " driver_status, batch_version FROM driver_events ORDER BY batch_id, batch_version");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String batch = rs.getString(1);
                String event = rs.getString(2);
                DriverEventType type = DriverEventType.valueOf(rs.getString(3));
                DriverStatus previous = DriverStatus.valueOf(rs.getString(4));
                DriverStatus stored = DriverStatus.valueOf(rs.getString(5));
                long v = rs.getLong(6);
                DriverStatus from = status.getOrDefault(batch, DriverStatus.INACTIVE);
                long expected = version.getOrDefault(batch, 0L) + 1;
                if (v != expected) {
                    violations.add("batch " + batch + ": event " + event + " has version " + v + ", expected " + expected);
                }
                if (previous != from) {
                    violations.add("batch " + batch + ": event " + event + " says it moved from " + previous
                            + " but the log was at " + from);
                }
                DriverStateMachine.Decision d = MACHINE.decide(from, type,
                        type == DriverEventType.SUPERVISOR_OVERRIDE ? stored : null);
                if (!d.allowed() || d.to() != stored) {
                    violations.add("batch " + batch + ": event " + event + " (" + type + " from " + from + ") stored "
                            + stored + ", the state machine says " + d);
                }
                status.put(batch, stored);
                version.put(batch, v);
            }
        }
        for (Map.Entry<String, String[]> b : batches.entrySet()) {
            DriverStatus replayed = status.getOrDefault(b.getKey(), DriverStatus.INACTIVE);
            long replayedVersion = version.getOrDefault(b.getKey(), 0L);
            if (!replayed.name().equals(b.getValue()[0]) || replayedVersion != Long.parseLong(b.getValue()[1])) {
                violations.add("batch " + b.getKey() + " is " + b.getValue()[0] + " v" + b.getValue()[1]
                        + " but its log replays to " + replayed + " v" + replayedVersion);
            }
        }
        return violations;
    }

    /**
     * @return one sentence per acknowledged write the database does not hold (a completed session
     *         must be COMPLETED; an activated one must exist), and per write answered 503 that it
     *         does hold
     */
    static List<String> missing(Db db, Ledger ledger) throws SQLException {
        List<String> missing = new ArrayList<>(notStored(db, ledger));
        missing.addAll(storedThough503(db, ledger));
        return missing;
    }

    /**
     * @return one sentence per acknowledged write the database does not hold: a completed session
     *         must be COMPLETED, an activated one must exist, an accepted event must be in the log
     */
    static List<String> notStored(Db db, Ledger ledger) throws SQLException {
        return read(db, c -> {
            List<String> missing = new ArrayList<>();
            for (String id : ledger.activated()) {
                List<String> found = strings(c, "SELECT status FROM exclusive_sessions WHERE id = ?", id);
                if (found.isEmpty()) {
                    missing.add("acknowledged activation " + id + " is not stored");
                } else if (ledger.completed().contains(id) && !"COMPLETED".equals(found.get(0))) {
                    missing.add("acknowledged completion of " + id + " is stored as " + found.get(0));
                }
            }
            for (String id : ledger.completed()) {
                if (!ledger.activated().contains(id)
                        && !List.of("COMPLETED").equals(strings(c, "SELECT status FROM exclusive_sessions WHERE id = ?", id))) {
                    missing.add("acknowledged completion of " + id + " is not stored");
                }
            }
            for (String id : ledger.events()) {
                if (strings(c, "SELECT event_id FROM driver_events WHERE event_id = ?", id).isEmpty()) {
                    missing.add("acknowledged event " + id + " is not in the log");
                }
            }
            return missing;
        });
    }

    /** @return one sentence per write answered 503 ("nothing was done") that the database holds */
    static List<String> storedThough503(Db db, Ledger ledger) throws SQLException {
        return read(db, c -> {
            List<String> missing = new ArrayList<>();
            for (String intent : ledger.refusedActivations()) {
                for (String id : strings(c, "SELECT id FROM exclusive_sessions WHERE intent_session_id = ?", intent)) {
                    missing.add("activation " + intent + " was answered 503 but is stored as session " + id);
                }
            }
            for (String id : ledger.refusedEvents()) {
                if (!strings(c, "SELECT event_id FROM driver_events WHERE event_id = ?", id).isEmpty()) {
                    missing.add("event " + id + " was answered 503 but is in the log");
                }
            }
            return missing;
        });
    }

    /** @return the first column of every row of a parameterised query */
    static List<String> strings(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    /** @return the ids of the events of {@code batch} of the given types' complement */
    static Set<String> eventsOf(Db db, String batch, DriverEventType except) throws SQLException {
        return Set.copyOf(read(db, c -> strings(c,
                "SELECT event_id FROM driver_events WHERE batch_id = ? AND event_type <> ?", batch, except.name())));
    }
}
