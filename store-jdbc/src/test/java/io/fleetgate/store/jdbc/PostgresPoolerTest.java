package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.Stop;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.testkit.TestFleetgates;
import io.fleetgate.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's pooler setting ({@link Pooler}) on PostgreSQL. scripts/test runs this class twice:
 * straight to the server, and through a throwaway PgBouncer in transaction mode
 * ({@link TestPostgres#throughTransactionPooler()}), where {@link TestPostgres#url()} is PgBouncer's.
 * A store set for a transaction pooler works either way (on a direct connection it only pays the
 * per-transaction schema); a store set for none is refused at build exactly when the connection
 * goes through a pooler, with a message naming the fix.
 */
class PostgresPoolerTest {
    private static final List<Stop> STOPS = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100));

    private final PostgresFixture pg = new PostgresFixture();
    private final List<JdbcStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(JdbcStore::close);
        pg.close();
    }

    private JdbcStore track(JdbcStore store) {
        stores.add(store);
        return store;
    }

    /** A store on the fixture's schema at {@link TestPostgres#url()}, set for a transaction pooler, without a listen URL. */
    private JdbcStore.Builder transactionPooled() {
        return JdbcStore.builder().postgres(pg.storeUrl()).owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()).pooler(Pooler.TRANSACTION)
                .poolSize(4);
    }

    @Test
    void buildWhenSetForNoPoolerThenRefusedExactlyWhenTheConnectionGoesThroughOneNamingTheFix() {
        String url = TestPostgres.url();
        for (String storeUrl : List.of(url, pg.storeUrl())) {
            JdbcStore.Builder none = JdbcStore.builder().postgres(storeUrl)
                    .owner(PostgresFixture.user(), PostgresFixture.password())
                    .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()).pooler(Pooler.NONE)
                    .poolSize(2).migrate(false);
            if (TestPostgres.throughTransactionPooler()) {
                // without currentSchema: the backend-pid check; with it: PgBouncer's refusal of search_path
                assertThatThrownBy(none::build).as(storeUrl).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("FLEETGATE_PG_POOLER=transaction")
                        .hasMessageContaining("pooler(Pooler.TRANSACTION)");
            } else {
                track(none.build());
            }
        }
    }

    @Test
    void buildWhenTransactionPoolerAndTheUrlAsksForServerSidePreparedStatementsThenRefusedNamingIt() {
        assertThatThrownBy(() -> JdbcStore.builder().postgres(pg.storeUrl() + "&prepareThreshold=5")
                .owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword())
                .pooler(Pooler.TRANSACTION).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prepareThreshold").hasMessageContaining("Pooler.TRANSACTION");
        // prepareThreshold=0 is what the store sets: accepted
        track(JdbcStore.builder().postgres(pg.storeUrl() + "&prepareThreshold=0")
                .owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword())
                .pooler(Pooler.TRANSACTION).poolSize(2).build());
    }

    @Test
    void buildWhenTransactionPoolerAndAHostPoolPreparesOnTheServerThenRefusedNamingPrepareThreshold() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(pg.schemaUrl());
        c.setUsername(PostgresFixture.runtimeUser());
        c.setPassword(PostgresFixture.runtimePassword());
        c.setMaximumPoolSize(2);
        try (HikariDataSource host = new HikariDataSource(c)) {
            assertThatThrownBy(() -> JdbcStore.builder().dataSource(host).ownerDataSource(pg.ownerDataSource())
                    .pooler(Pooler.TRANSACTION).migrate(false).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("prepareThreshold=5").hasMessageContaining("set prepareThreshold=0");
        }
    }

    @Test
    void buildWhenTheListenUrlGoesThroughThePoolerThenRefusedNamingTheFix() {
        JdbcStore.Builder b = transactionPooled().listenUrl(TestPostgres.url());
        if (TestPostgres.throughTransactionPooler()) {
            assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("listen URL goes through a connection pooler")
                    .hasMessageContaining("FLEETGATE_PG_LISTEN_URL");
        } else {
            track(b.build());
        }
        track(transactionPooled().listenUrl(pg.schemaUrl()).build());
    }

    @Test
    void buildWhenListenUrlWithoutATransactionPoolerThenRefused() {
        assertThatThrownBy(() -> JdbcStore.builder().postgres(pg.storeUrl()).listenUrl(pg.schemaUrl())
                .owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pooler(Pooler.TRANSACTION)");
    }

    @Test
    void writeWhenTransactionPoolerWithCurrentSchemaThenRowsLandInThatSchemaAndNoSessionKeepsTheSearchPath()
            throws Exception {
        JdbcStore store = track(transactionPooled().build());
        Fleetgate fleetgate = TestFleetgates.on(store, Clock.systemUTC(), FleetgateSettings.defaults());

        fleetgate.access().upsertWorkspace(Principal.system(), new Workspace("ws_pooled", "Pooled"));

        List<List<String>> rows = PostgresFixture.asSystem(pg.ownerDataSource(), c -> PostgresFixture.rows(c,
                "SELECT id, name FROM " + pg.schema() + ".workspaces WHERE id = 'ws_pooled'"));
        assertThat(rows).containsExactly(List.of("ws_pooled", "Pooled"));
        try (Connection c = store.dataSource().getConnection()) {
            // through the store's connection: a statement in auto-commit mode runs in the schema
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(pg.schema());
            }
            // the driver's own connection under it: the session was never pointed at the schema
            // (straight to the server this is the very session the store used)
            Connection session = (Connection) c.unwrap(PGConnection.class);
            try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SHOW search_path")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("\"$user\", public");
            }
        }
    }

    @Test
    void subscribeWhenTransactionPoolerWithoutListenUrlThenAnotherStoresCommitWakesTheReaderByPolling()
            throws Exception {
        JdbcStore polling = track(transactionPooled().changePollInterval(Duration.ofMillis(100)).build());
        Fleetgate reader = TestFleetgates.on(polling, Clock.systemUTC(), FleetgateSettings.defaults());
        Fleetgate writer = TestFleetgates.on(pg.store(), Clock.systemUTC(), FleetgateSettings.defaults());
        Principal system = Principal.system();
        writer.access().upsertWorkspace(system, new Workspace("ws_1", "North"));
        writer.access().addMember(system, new Membership("s_sam", "ws_1", Role.SUPERVISOR));
        Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
        String cursor = reader.changes().head(sam, null);
        Semaphore woken = new Semaphore(0);
        ChangeFeed.Subscription subscription = reader.changes().subscribe(sam, null, woken::release);
        try {
            writer.execution().createBatch(sam, new CreateBatchRequest("b_polled", "ws_1", null, STOPS, null));

            assertThat(awaitChanges(woken, reader, sam, cursor)).extracting(Change::entityId).containsExactly("b_polled");
        } finally {
            subscription.close();
        }
    }

    /** Waits, at most ten seconds, until a wake-up lets sam read something after {@code cursor}. */
    private static List<Change> awaitChanges(Semaphore woken, Fleetgate on, Principal who, String cursor)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (woken.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            List<Change> read = on.changes().changes(who, cursor, 1000).changes();
            if (!read.isEmpty()) {
                return read;
            }
        }
        throw new AssertionError("no wake-up brought a change within 10 s");
    }
}
