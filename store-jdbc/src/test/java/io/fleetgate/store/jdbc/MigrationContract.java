package io.fleetgate.store.jdbc;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.testkit.TestFleetgates;

import com.zaxxer.hikari.HikariDataSource;
import io.fleetgate.Principal;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.ExclusiveSessionService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The migration runner, the database-level invariants and the store's life cycle, on each
 * database (thin subclasses).
 */
abstract class MigrationContract {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** @return a builder aimed at a new, empty database (the same one on every call in a test) */
    protected abstract JdbcStore.Builder emptyDatabase();

    /**
     * @param host a host's pool ({@link #hostPool()})
     * @return a builder for a store on it
     */
    protected JdbcStore.Builder onHostPool(HikariDataSource host) {
        return JdbcStore.builder().dataSource(host);
    }

    /** @return a pool on the test's database that the test owns (a "host's" DataSource) */
    protected abstract HikariDataSource hostPool();

    /** @return the dialect under test */
    protected abstract Dialect dialect();

    /** @param e a failure of a raw statement @return whether it is the unique violation code */
    protected abstract boolean isUniqueViolation(SQLException e);

    /** Drops the test's database. */
    protected abstract void dropDatabase();

    protected final <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    @AfterEach
    final void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        dropDatabase();
    }

    @Test
    void buildWhenDatabaseEmptyThenAppliesEveryMigrationWithChecksums() throws Exception {
        JdbcStore store = track(emptyDatabase().build());

        MigrationStatus status = store.migrationStatus();
        assertThat(status.pending()).isEmpty();
        assertThat(status.applied()).isEqualTo(UndoContract.FILES);
        String file = "/io/fleetgate/store/jdbc/migration/" + dialect().name().toLowerCase() + "/V1__exclusive_sessions.sql";
        String expected;
        try (var in = getClass().getResourceAsStream(file)) {
            expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(query(store.dataSource(), "SELECT checksum FROM fleetgate_schema_history WHERE version = 1"))
                .isEqualTo(expected);
    }

    @Test
    void buildWhenMigrationsDisabledThenReportsPendingUntilMigrate() {
        JdbcStore store = track(emptyDatabase().migrate(false).build());
        assertThat(store.migrationStatus().pending()).isEqualTo(UndoContract.FILES);

        MigrationStatus after = store.migrate();

        assertThat(after.pending()).isEmpty();
        assertThat(store.migrate().applied()).hasSize(UndoContract.FILES.size());
    }

    @Test
    void buildWhenEightInstancesStartAtOnceThenEachMigrationAppliedOnce() throws Exception {
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<JdbcStore>> starts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                starts.add(pool.submit(() -> {
                    go.await();
                    return emptyDatabase().poolSize(2).build();
                }));
            }
            go.countDown();
            for (Future<JdbcStore> f : starts) {
                track(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        JdbcStore any = track(emptyDatabase().build());
        assertThat(query(any.dataSource(), "SELECT COUNT(*) FROM fleetgate_schema_history"))
                .isEqualTo(String.valueOf(UndoContract.FILES.size()));
        assertThat(any.migrationStatus().pending()).isEmpty();
    }

    @Test
    void buildWhenAppliedFileChangedThenRefusesNamingFileAndBothChecksums() throws Exception {
        JdbcStore first = track(emptyDatabase().build());
        execute(first.dataSource(), "UPDATE fleetgate_schema_history SET checksum = 'abc123' WHERE version = 1");

        assertThatThrownBy(() -> track(emptyDatabase().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V1__exclusive_sessions.sql")
                .hasMessageContaining("abc123")
                .hasMessageMatching("(?s).*file has [0-9a-f]{64}.*");
    }

    @Test
    void migrateWhenMigrationFailsHalfWayThenNothingOfItIsLeftAndRerunAfterTheFixCompletes() throws Exception {
        JdbcStore store = track(emptyDatabase().migrate(false).build());
        DataSource ds = store.dataSource();
        // V2 creates workspaces, delivery_batches and batch_stops, skips driver_events (IF NOT EXISTS)
        // and then fails indexing columns this stand-in lacks: half-way through its statements.
        String blocker = "CREATE TABLE driver_events (x INTEGER)";
        execute(ds, blocker);

        assertThatThrownBy(store::migrate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V2__driver_execution.sql")
                .hasMessageContaining("rolled back")
                .hasMessageContaining("driver_id");

        assertThat(store.migrationStatus().applied()).containsExactly("V1__exclusive_sessions.sql");
        assertThat(query(ds, "SELECT COUNT(*) FROM fleetgate_schema_history WHERE version = 2")).isEqualTo("0");
        try (EmptyDatabases others = new EmptyDatabases(dialect())) {
            EmptyDatabases.Db atOne = others.create();
            atOne.runner().migrate(1);
            execute(atOne.store().dataSource(), blocker);
            assertThat(SchemaCatalogue.of(ds)).as("V1 and the stand-in table, nothing of V2")
                    .isEqualTo(atOne.catalogue());

            execute(ds, "DROP TABLE driver_events");
            MigrationStatus after = store.migrate();

            assertThat(after.pending()).isEmpty();
            EmptyDatabases.Db clean = others.create();
            clean.runner().migrate();
            assertThat(SchemaCatalogue.of(ds)).as("the same schema as a run that never failed")
                    .isEqualTo(clean.catalogue());
        }
    }

    @Test
    void statusWhenMigratedToThreeThenThreeAppliedAndTheRestPendingUntilMigrate() {
        JdbcStore store = track(emptyDatabase().migrate(false).build());

        assertThat(EmptyDatabases.runner(store).migrate(3)).containsExactly(1, 2, 3);

        MigrationStatus status = store.migrationStatus();
        assertThat(status.applied()).containsExactly("V1__exclusive_sessions.sql", "V2__driver_execution.sql",
                "V3__credentials_and_sessions.sql");
        assertThat(status.pending()).isEqualTo(UndoContract.FILES.subList(3, UndoContract.FILES.size()));
        assertThat(EmptyDatabases.runner(store).migrate())
                .isEqualTo(UndoContract.VERSIONS.subList(3, UndoContract.VERSIONS.size()));
        assertThat(store.migrationStatus().pending()).isEmpty();
    }

    @Test
    void databaseWhenSecondActiveSessionInsertedByHandThenUniqueIndexRefuses() throws Exception {
        JdbcStore store = track(emptyDatabase().build());
        DataSource ds = store.dataSource();
        execute(ds, "INSERT INTO chargers (id, lat, lng) VALUES ('c', 0, 0)");
        execute(ds, "INSERT INTO merchants (id) VALUES ('m')");
        String ts = dialect() == Dialect.POSTGRES ? "now()" : "1";
        String later = dialect() == Dialect.POSTGRES ? "now() + interval '1 hour'" : "2";
        String row = "INSERT INTO exclusive_sessions (id, driver_id, merchant_id, charger_id, status, activated_at, "
                + "expires_at, created_at, updated_at, activation_lat, activation_lng, activation_distance_to_charger_m) "
                + "VALUES ('%s', 'd', 'm', 'c', '%s', " + ts + ", " + later + ", " + ts + ", " + ts + ", 0, 0, 0)";
        execute(ds, row.formatted("s1", "ACTIVE"));
        execute(ds, row.formatted("s2", "EXPIRED"));

        assertThatThrownBy(() -> execute(ds, row.formatted("s3", "ACTIVE")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(isUniqueViolation(e)).isTrue());
        assertThatThrownBy(() -> execute(ds, row.formatted("s4", "BOGUS"))).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> execute(ds, row.formatted("s5", "ACTIVE").replace("'m'", "'no_such_merchant'")
                .replace("'d'", "'d2'"))).isInstanceOf(SQLException.class);
    }

    @Test
    void closeWhenHostDataSourceGivenThenDialectDetectedAndPoolLeftOpen() throws Exception {
        HikariDataSource host = track(hostPool());
        JdbcStore store = onHostPool(host).build();
        assertThat(store.dialect()).isEqualTo(dialect());

        store.close();

        assertThat(host.isClosed()).isFalse();
        assertThat(query(host, "SELECT COUNT(*) FROM fleetgate_schema_history"))
                .isEqualTo(String.valueOf(UndoContract.FILES.size()));
    }

    @Test
    void closeWhenStoreBuiltItsPoolThenPoolClosed() {
        JdbcStore store = emptyDatabase().build();
        HikariDataSource own = (HikariDataSource) store.dataSource();

        store.close();

        assertThat(own.isClosed()).isTrue();
    }

    @Test
    void buildWhenConnectionTimeoutGivenThenOwnPoolUsesItAndOutOfRangeIsRefusedByName() {
        JdbcStore store = track(emptyDatabase().connectionTimeout(java.time.Duration.ofMillis(1_500)).build());
        assertThat(((HikariDataSource) store.dataSource()).getConnectionTimeout()).isEqualTo(1_500);
        assertThat(((HikariDataSource) track(emptyDatabase().build()).dataSource()).getConnectionTimeout())
                .isEqualTo(10_000);
        for (java.time.Duration wrong : List.of(java.time.Duration.ofMillis(249), java.time.Duration.ofMinutes(11))) {
            assertThatThrownBy(() -> JdbcStore.builder().connectionTimeout(wrong))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionTimeout");
        }
    }

    @Test
    void callWhenDatabaseUnreachableThenStoreUnavailable() {
        HikariDataSource host = track(hostPool());
        JdbcStore store = track(onHostPool(host).build());
        ExclusiveSessionService service = TestFleetgates.on(store, java.time.Clock.systemUTC(), FleetgateSettings.defaults()).exclusive();
        host.close();

        assertThatThrownBy(() -> service.active(Principal.driver("d_1"), false))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    /** Runs a raw statement (on PostgreSQL as the system principal, which row-level security lets through). */
    static void execute(DataSource ds, String sql) throws SQLException {
        PostgresFixture.asSystem(ds, c -> {
            try (Statement st = c.createStatement()) {
                return st.execute(sql);
            }
        });
    }

    /** Reads the first column of a raw query's first row (on PostgreSQL as the system principal). */
    static String query(DataSource ds, String sql) throws SQLException {
        return PostgresFixture.asSystem(ds, c -> {
            try (Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }
}
