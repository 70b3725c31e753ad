package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.MigrationStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies the store's SQL migrations, in order, and records each in {@code fleetgate_schema_history}
 * with the SHA-256 of its text.
 *
 * <p>Migrations are listed here explicitly rather than scanned from the class path (scanning
 * breaks inside shaded jars). Each is applied in its own transaction, together with its history
 * row, so a failure leaves it wholly unapplied and a later start simply tries again. Instances that
 * start at once serialise on a row lock in {@code fleetgate_schema_lock} (an {@code UPDATE} of its
 * single row, portable to every engine we target, unlike advisory locks); whoever waits re-reads
 * the history and skips what the other applied. A file that changed after it was applied stops
 * start-up with both checksums: the schema it describes is no longer the one in the database.
 * Thread-safe.
 */
public final class MigrationRunner {
    /** The migrations, in order. File {@code V<version>__<name>.sql} in the dialect's folder. */
    static final List<String> MIGRATIONS = List.of("V1__exclusive_sessions", "V2__driver_execution",
            "V3__credentials_and_sessions", "V4__memberships_and_reviews", "V5__row_level_security",
            "V6__login_attempts", "V7__event_ids_per_sender", "V8__database_roles", "V9__append_only_every_write_form",
            "V10__workspace_member_function", "V11__stops", "V12__positions", "V13__review_items_per_sender",
            "V14__change_feed", "V15__principal_inlined",
            "V16__partitioned_event_log", "V17__volume_indexes",
            "V18__flat_sweep_and_queue", "V19__due_sessions_index");

    private static final String HISTORY = "fleetgate_schema_history";

    private final Jdbi jdbi;
    private final SqlDialect dialect;
    private final Clock clock;

    /**
     * Creates the runner for one database.
     *
     * @param jdbi    the database
     * @param dialect its dialect
     * @param clock   the source of {@code applied_at}
     */
    public MigrationRunner(Jdbi jdbi, SqlDialect dialect, Clock clock) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.clock = clock;
    }

    /**
     * Applies every pending migration.
     *
     * @return the versions this call applied (empty when another instance or an earlier start did)
     * @throws IllegalStateException if an applied file changed, or a migration fails (then nothing
     *                               of that migration is left applied, and it names the file)
     */
    public List<Integer> migrate() {
        return migrate(Integer.MAX_VALUE);
    }

    /**
     * Applies the pending migrations up to and including {@code target}, in order; later ones stay
     * pending. Tests use it to build the schema as it was at a given version.
     *
     * @param target the last version to apply
     * @return the versions this call applied
     * @throws IllegalStateException if an applied file changed, or a migration fails (then nothing
     *                               of that migration is left applied, and it names the file)
     */
    public List<Integer> migrate(int target) {
        bootstrap();
        verifyChecksums();
        List<Integer> applied = new ArrayList<>();
        for (Migration m : migrations()) {
            if (m.version() > target) {
                break;
            }
            boolean didApply;
            try {
                didApply = jdbi.inTransaction(h -> apply(h, m));
            } catch (IllegalStateException e) {
                throw new IllegalStateException("migration " + m.path() + " failed and was rolled back, "
                        + "no part of it is applied: " + e.getMessage(), e);
            }
            if (didApply) {
                applied.add(m.version());
            }
        }
        return applied;
    }

    private boolean apply(Handle h, Migration m) {
        h.execute("UPDATE fleetgate_schema_lock SET locked_at = ? WHERE id = 1", dialect.folder() + ":" + now());
        if (recordedChecksum(h, m.version()).isPresent()) {
            return false;
        }
        for (String statement : SqlScript.split(m.text())) {
            executeRaw(h, statement);
        }
        h.createUpdate("INSERT INTO " + HISTORY + " (version, name, checksum, applied_at) "
                        + "VALUES (:version, :name, :checksum, :applied_at)")
                .bind("version", m.version())
                .bind("name", m.file())
                .bind("checksum", m.checksum())
                .bind("applied_at", dialect.instant(now()))
                .execute();
        return true;
    }

    /** {@return what is applied and what is pending; creates the history table if missing} */
    public MigrationStatus status() {
        bootstrap();
        Map<Integer, String> recorded = recorded();
        List<String> applied = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (Migration m : migrations()) {
            (recorded.containsKey(m.version()) ? applied : pending).add(m.file());
        }
        return new MigrationStatus(applied, pending);
    }

    private void verifyChecksums() {
        Map<Integer, String> recorded = recorded();
        for (Migration m : migrations()) {
            String stored = recorded.get(m.version());
            if (stored != null && !stored.equals(m.checksum())) {
                throw new IllegalStateException("migration " + m.path() + " changed after it was applied: "
                        + "database has checksum " + stored + ", file has " + m.checksum()
                        + "; restore the file or write a new migration");
            }
        }
    }

    private Map<Integer, String> recorded() {
        return jdbi.withHandle(h -> {
            Map<Integer, String> out = new TreeMap<>();
            h.createQuery("SELECT version, checksum FROM " + HISTORY)
                    .map((rs, ctx) -> Map.entry(rs.getInt("version"), rs.getString("checksum")))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    private static Optional<String> recordedChecksum(Handle h, int version) {
        return h.createQuery("SELECT checksum FROM " + HISTORY + " WHERE version = :v")
                .bind("v", version).mapTo(String.class).findOne();
    }

    /**
     * Creates the history and lock tables if missing. Instances may race here: PostgreSQL can then
     * fail one {@code CREATE TABLE IF NOT EXISTS} with a unique violation on its catalogue, and
     * SQLite may report the file locked; a failure is retried a few times after a short pause.
     */
    private void bootstrap() {
        String ts = dialect.dialect() == io.fleetgate.store.jdbc.Dialect.POSTGRES ? "timestamptz" : "INTEGER";
        List<String> ddl = List.of(
                "CREATE TABLE IF NOT EXISTS " + HISTORY + " (version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, "
                        + "checksum VARCHAR(64) NOT NULL, applied_at " + ts + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS fleetgate_schema_lock (id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "locked_at VARCHAR(100))",
                "INSERT INTO fleetgate_schema_lock (id) VALUES (1) ON CONFLICT (id) DO NOTHING");
        for (int attempt = 1; ; attempt++) {
            try {
                jdbi.useTransaction(h -> {
                    for (String s : ddl) {
                        executeRaw(h, s);
                    }
                });
                return;
            } catch (RuntimeException e) {
                if (attempt >= 5) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void executeRaw(Handle h, String sql) {
        try (Statement st = h.getConnection().createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("migration statement failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private List<Migration> migrations() {
        List<Migration> out = new ArrayList<>();
        for (String file : MIGRATIONS) {
            String path = "/io/fleetgate/store/jdbc/migration/" + dialect.folder() + "/" + file + ".sql";
            String text = SqlFiles.read(path);
            if (text == null) {
                throw new IllegalStateException("missing migration resource " + path);
            }
            int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
            out.add(new Migration(version, file + ".sql", path, text, sha256(text)));
        }
        return out;
    }

    /**
     * {@return the hex SHA-256 of its UTF-8 bytes with line endings normalised to {@code \n}}
     *
     * @param text a file's text
     */
    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private record Migration(int version, String file, String path, String text, String checksum) {
    }
}
