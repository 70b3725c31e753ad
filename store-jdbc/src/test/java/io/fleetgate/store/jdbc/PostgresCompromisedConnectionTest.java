package io.fleetgate.store.jdbc;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.SessionService;
import io.fleetgate.store.jdbc.PostgresFixture.SqlWork;
import io.fleetgate.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A compromised host connection (issue #14, point 8; migration V8): SQL of the attacker's choosing
 * on a connection as the runtime role the store runs as, without the context key. Each claim of
 * docs/security.md's "a compromised host connection" is tried here, on a real server, and each
 * attempt is refused with the exact error, or sees nothing.
 *
 * <p>The world: workspaces ws_1 and ws_2; driver ana (ws_1) with batch b_1; driver ben with b_2 in
 * ws_1 and b_3 in ws_2; both logged in (one DRIVER_LOGGED_IN event on each batch), and ana started
 * her route: driver_events holds four rows.
 */
class PostgresCompromisedConnectionTest {
    private static final HexFormat HEX = HexFormat.of();

    private PostgresFixture pg;
    private JdbcStore store;
    private PostgresContextKey key;

    @BeforeEach
    void seed() throws SQLException {
        pg = new PostgresFixture();
        store = pg.store();
        TestClock clock = TestClock.standard();
        FleetgateSettings settings = TestFleetgates.settings();
        Principal system = Principal.system();
        AccessService access = PostgresFixture.twoWorkspaces(store);
        DriverExecutionService execution = TestFleetgates.on(store, clock, settings).execution();
        List<Stop> stops = List.of(Stop.of(30.27, -97.74, 100));
        execution.createBatch(system, new CreateBatchRequest("b_1", "ws_1", "d_ana", stops, null));
        execution.createBatch(system, new CreateBatchRequest("b_2", "ws_1", "d_ben", stops, null));
        execution.createBatch(system, new CreateBatchRequest("b_3", "ws_2", "d_ben", stops, null));
        CredentialService credentials = TestFleetgates.on(store, clock, FleetgateSettings.defaults()).credentials();
        credentials.enrol(system, new EnrolRequest("d_ana", "ana", "482193"));
        credentials.enrol(system, new EnrolRequest("d_ben", "ben", "135790"));
        SessionService sessions = TestFleetgates.on(store, clock, settings).sessions();
        sessions.login(system, new LoginRequest("ana", "482193", "phone-a"));
        sessions.login(system, new LoginRequest("ben", "135790", "phone-b"));
        EventOutcome started = execution.record(Principal.driver("d_ana"), DriverEventRequest.of("e-start", "b_1",
                DriverEventType.ROUTE_STARTED, clock.instant().minusSeconds(60)));
        assertThat(started.result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        try (Connection owner = pg.ownerDataSource().getConnection()) {
            key = PostgresContextKey.read(owner);
        }
        // The control: with the key, the system sees the four events.
        assertThat(countAs(key.context(Principal.system(), Instant.now()), "driver_events"))
                .isEqualTo(4L);
    }

    @AfterEach
    void drop() {
        pg.close();
    }

    // --- forged principals ----------------------------------------------------------------------

    @Test
    void contextWhenSetToAnotherUserWithoutTheKeyThenSeesNothingOfTheirs() throws SQLException {
        String ana = key.context(Principal.driver("d_ana"), Instant.now());
        assertThat(queryAs(ana, "SELECT DISTINCT driver_id FROM driver_events"))
                .as("the control: ana's own context shows her rows").containsExactly(List.of("d_ana"));

        // ana's context with the user swapped to ben, her MAC kept
        String swapped = ana.replace("|" + HEX.formatHex("d_ana".getBytes(StandardCharsets.UTF_8)) + "|",
                "|" + HEX.formatHex("d_ben".getBytes(StandardCharsets.UTF_8)) + "|");
        assertThat(swapped).isNotEqualTo(ana);
        // ben's context under a key the attacker made up
        String madeUp = PostgresFixture.forgeContext(new byte[64], "driver", "d_ben", "", Instant.now());
        // V5's settings
        Map<String, String> v5 = Map.of("fleetgate.role", "driver", "fleetgate.user_id", "d_ben");

        for (String forged : List.of(swapped, madeUp, forged(ana, "driver", "d_ben"))) {
            assertThat(withContext(forged, PostgresCompromisedConnectionTest::counts)).as(forged)
                    .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        }
        assertThat(withSettings(v5, PostgresCompromisedConnectionTest::counts))
                .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    }

    @Test
    void contextWhenSetToSystemWithoutTheKeyThenSeesNothing() throws SQLException {
        String ana = key.context(Principal.driver("d_ana"), Instant.now());
        for (String forged : List.of(forged(ana, "system", "system"), PostgresFixture.forgeContext(new byte[64], "system", "system", "", Instant.now()),
                "v1|system|" + Instant.now().toEpochMilli() + "|" + HEX.formatHex("system".getBytes(StandardCharsets.UTF_8))
                        + "||" + "0".repeat(64))) {
            assertThat(withContext(forged, PostgresCompromisedConnectionTest::counts)).as(forged)
                    .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        }
        assertThat(withSettings(Map.of("fleetgate.role", "system", "fleetgate.user_id", "system"),
                PostgresCompromisedConnectionTest::counts)).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    }

    @Test
    void contextWhenReplayedAfterTheWindowOrIssuedAheadThenSeesNothing() throws SQLException {
        Instant now = Instant.now();
        assertThat(countAs(key.context(Principal.system(), now.minusSeconds(5)), "driver_events"))
                .as("issued 5 s ago: within the window").isEqualTo(4L);
        for (Duration age : List.of(Duration.ofSeconds(-75), Duration.ofSeconds(75), Duration.ofHours(1), Duration.ofDays(1))) {
            String captured = key.context(Principal.system(), now.minus(age));
            assertThat(withContext(captured, PostgresCompromisedConnectionTest::counts)).as("issued %s ago", age)
                    .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        }
    }

    @Test
    void storeWhenItsContextClockIsOutsideTheWindowThenTheDatabaseShowsItNothing() {
        try (JdbcStore late = pg.builder().poolSize(1)
                .contextClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2))).build()) {
            assertThat(late.batches().findBatch("b_1")).as("a context two minutes old").isEmpty();
        }
        assertThat(store.batches().findBatch("b_1")).as("the control: the store's own").isPresent();
    }

    @Test
    void supervisorWhenReadingOrForgingAnotherWorkspaceThenSeesNothingOfIt() throws SQLException {
        String ws1 = key.context(Principal.supervisor("s_sam", "ws_1"), Instant.now());
        assertThat(queryAs(ws1, "SELECT DISTINCT workspace_id FROM driver_events"))
                .containsExactly(List.of("ws_1"));
        assertThat(queryAs(ws1, "SELECT id FROM delivery_batches WHERE workspace_id = 'ws_2'"))
                .isEmpty();
        String ws2 = ws1.replace("|" + HEX.formatHex("ws_1".getBytes(StandardCharsets.UTF_8)) + "|",
                "|" + HEX.formatHex("ws_2".getBytes(StandardCharsets.UTF_8)) + "|");
        assertThat(ws2).isNotEqualTo(ws1);
        assertThat(withContext(ws2, PostgresCompromisedConnectionTest::counts))
                .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
    }

    @Test
    void sessionWhenItShadowsTheKeyTableOrCallsTheVerifierThenNothingVerifies() throws SQLException {
        byte[] known = new byte[64];
        try (Connection c = runtime()) {
            // a temporary table of the same name, holding a key the attacker knows
            execute(c, "CREATE TEMPORARY TABLE fleetgate_context_key (id INTEGER, key BYTEA, inner_pad BYTEA, outer_pad BYTEA)");
            byte[] inner = new byte[64];
            byte[] outer = new byte[64];
            for (int i = 0; i < 64; i++) {
                inner[i] = (byte) (known[i] ^ 0x36);
                outer[i] = (byte) (known[i] ^ 0x5c);
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO pg_temp.fleetgate_context_key VALUES (1, ?, ?, ?)")) {
                st.setBytes(1, known);
                st.setBytes(2, inner);
                st.setBytes(3, outer);
                st.executeUpdate();
            }
            String forged = PostgresFixture.forgeContext(known, "system", "system", "", Instant.now());
            assertThat(inTransaction(c, forged, PostgresCompromisedConnectionTest::counts))
                    .allSatisfy((table, n) -> assertThat(n).as(table).isZero());

            // V15: the runtime role may call the verifier itself (the policies inline it), and it
            // still verifies against the schema's key, never the shadowing table: nothing
            List<List<String>> principal = inTransaction(c, forged,
                    conn -> query(conn, "SELECT role, user_id, workspace_id FROM fleetgate_context_principal()"));
            assertThat(principal).containsExactly(Arrays.asList(null, null, null));
            assertRefused(c, "CREATE OR REPLACE FUNCTION fleetgate_role() RETURNS text LANGUAGE sql AS $$ SELECT 'system' $$",
                    "permission denied for schema " + pg.schema());
            assertRefused(c, "CREATE FUNCTION fleetgate_evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
                    "permission denied for schema " + pg.schema());
            assertRefused(c, "ALTER FUNCTION fleetgate_role() SECURITY INVOKER", "must be owner of function fleetgate_role");
        }
    }

    @Test
    void principalFunctionsWhenAPolicyNamesThemThenTheyAreInlinedToOneVerifierCall() throws SQLException {
        try (Connection c = runtime()) {
            for (String f : List.of("fleetgate_role", "fleetgate_user", "fleetgate_workspace")) {
                // inlined: the plan names the verifier, not the wrapper (which PostgreSQL would
                // otherwise plan again in every statement)
                String plan = String.join("\n", query(c, "EXPLAIN (VERBOSE, COSTS OFF) SELECT (SELECT " + f + "())")
                        .stream().map(row -> row.get(0)).toList());
                assertThat(plan).as(f).contains("fleetgate_context_principal()").doesNotContain(f + "()");
            }
        }
    }

    // --- what the runtime role may not do at all --------------------------------------------------

    @Test
    void runtimeRoleWhenItTriesToLiftTheSchemasDefencesThenEachIsRefused() throws SQLException {
        String before = pg.snapshot();
        try (Connection c = runtime()) {
            for (String table : List.of("driver_events", "quarantined_events", "event_reviews", "delivery_batches",
                    "driver_fixes", "driver_presence", "position_alerts", "changes", "change_floors",
                    "driver_event_ids")) {
                String owner = "must be owner of table " + table;
                assertRefused(c, "ALTER TABLE " + table + " DISABLE TRIGGER ALL", owner);
                assertRefused(c, "ALTER TABLE " + table + " NO FORCE ROW LEVEL SECURITY", owner);
                assertRefused(c, "ALTER TABLE " + table + " DISABLE ROW LEVEL SECURITY", owner);
                assertRefused(c, "TRUNCATE " + table, "permission denied for table " + table);
            }
            assertRefused(c, "DROP POLICY driver_events_select ON driver_events", "must be owner of relation driver_events");
            assertRefused(c, "CREATE POLICY open ON driver_events USING (true)", "must be owner of table driver_events");
            assertRefused(c, "ALTER TABLE driver_events OWNER TO " + PostgresFixture.runtimeUser(),
                    "must be owner of table driver_events");
            assertRefused(c, "DROP TABLE driver_events", "must be owner of table driver_events");
            assertRefused(c, "SET ROLE " + PostgresFixture.user(), "permission denied to set role \"" + PostgresFixture.user() + "\"");
            assertRefused(c, "SET SESSION AUTHORIZATION " + PostgresFixture.user(),
                    "permission denied to set session authorization");
            assertRefused(c, "SELECT * FROM fleetgate_context_key", "permission denied for table fleetgate_context_key");
            assertRefused(c, "SELECT * FROM fleetgate_schema_history", "permission denied for table fleetgate_schema_history");
        }
        assertThat(pg.snapshot()).isEqualTo(before);
    }

    @Test
    void runtimeRoleWhenItUpdatesOrDeletesTheLogEvenAsTheSystemThenPermissionDenied() throws SQLException {
        String before = pg.snapshot();
        String system = key.context(Principal.system(), Instant.now());
        for (String table : List.of("driver_events", "quarantined_events", "event_reviews", "batch_stops",
                "driver_fixes", "driver_event_ids")) {
            String column = table.equals("event_reviews") ? "workspace_id" : "batch_id";
            List<String> statements = new ArrayList<>(List.of("UPDATE " + table + " SET " + column + " = " + column));
            if (!table.equals("batch_stops") && !table.equals("driver_fixes")) {
                // V11 grants DELETE on batch_stops (a plan change rewrites a batch's stops); its
                // policy lets only the system and the batch's supervisors use it (PostgresStopsTest).
                // V12 grants DELETE on driver_fixes (the purge by age); its policy lets only the
                // system use it (PostgresPositionStoreTest).
                statements.add("DELETE FROM " + table);
            }
            for (String sql : statements) {
                assertThatThrownBy(() -> withContext(system, c -> execute(c, sql))).as(sql)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                        .hasMessageContaining("permission denied for table " + table);
            }
        }
        assertThatThrownBy(() -> withContext(system, c -> execute(c, "DELETE FROM driver_sessions")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                .hasMessageContaining("permission denied for table driver_sessions");
        assertThat(pg.snapshot()).isEqualTo(before);
    }

    // --- the store's own start ------------------------------------------------------------------

    @Test
    void storeWhenStartedAsTheOwnerWithoutTheFlagThenRefusesNamingItAndWritesNothing() throws SQLException {
        String before = pg.snapshot();
        assertThatThrownBy(() -> JdbcStore.builder().postgres(pg.schemaUrl(), PostgresFixture.user(), PostgresFixture.password())
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the store's runtime role " + PostgresFixture.user() + " is the owner of the schema")
                .hasMessageContaining("allowPrivilegedRuntime(true)");
        @SuppressWarnings("deprecation")
        Runnable legacy = () -> JdbcStore.postgres(pg.schemaUrl(), PostgresFixture.user(), PostgresFixture.password());
        assertThatThrownBy(legacy::run).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowPrivilegedRuntime(true)");
        // the owner given as such, and as the runtime role too
        assertThatThrownBy(() -> JdbcStore.builder().postgres(pg.schemaUrl()).owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.user(), PostgresFixture.password()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is the owner of the schema");
        assertThat(pg.snapshot()).isEqualTo(before);

        try (JdbcStore owner = JdbcStore.builder().postgres(pg.schemaUrl(), PostgresFixture.user(), PostgresFixture.password())
                .allowPrivilegedRuntime(true).poolSize(1).build()) {
            assertThat(owner.batches().findBatch("b_1")).as("told to: it runs (bound by FORCE, with the key)").isPresent();
        }
    }

    @Test
    void storeWhenStartedAsARoleWithoutTheGroupRoleThenRefusesSayingWhatToGrant() {
        String reader = PostgresFixture.readerUser();
        assertThatThrownBy(() -> JdbcStore.builder().postgres(pg.schemaUrl()).owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(reader, PostgresFixture.readerPassword()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a member of fleetgate_runtime")
                .hasMessageContaining("GRANT fleetgate_runtime TO " + reader);
    }

    @Test
    void storeWhenStartedAsTheRuntimeRoleThenRunsAndItsConnectionsAreThatRole() throws SQLException {
        try (JdbcStore runtime = pg.builder().poolSize(2).build();
             Connection c = runtime.dataSource().getConnection()) {
            assertThat(query(c, "SELECT current_user")).containsExactly(List.of(PostgresFixture.runtimeUser()));
            assertThat(runtime.batches().findBatch("b_1")).isPresent();
        }
    }

    // --- the change feed (V14) -------------------------------------------------------------------

    @Test
    void changesWhenTheRuntimeRoleWritesTheFeedItselfThenRefusedAndOnlyTheSystemPurges() throws SQLException {
        String system = key.context(Principal.system(), Instant.now());
        String sam = key.context(Principal.supervisor("s_sam", "ws_1"), Instant.now());
        String ana = key.context(Principal.driver("d_ana"), Instant.now());
        long all = countAs(system, "changes");
        assertThat(all).as("3 batches created; a login on each batch and ana's start, each an event and a batch move")
                .isEqualTo(11L);
        String before = pg.snapshot();
        for (String context : List.of(system, sam)) {
            withContext(context, c -> {
                assertRefused(c, "INSERT INTO changes (seq, workspace_id, kind, entity_id, at, summary)"
                        + " VALUES (999, 'ws_1', 'EVENT', 'forged', now(), '{}')", "permission denied for table changes");
                return null;
            });
            withContext(context, c -> {
                assertRefused(c, "UPDATE changes SET entity_id = 'forged'", "permission denied for table changes");
                return null;
            });
            withContext(context, c -> {
                assertRefused(c, "SELECT fleetgate_record_change()", "permission denied for function fleetgate_record_change");
                return null;
            });
        }
        withContext(sam, c -> {
            assertThat(c.createStatement().executeUpdate("DELETE FROM changes")).as("the purge is the system's").isZero();
            assertThatThrownBy(() -> execute(c, "INSERT INTO change_floors (workspace_id, floor_seq) VALUES ('ws_1', 1000)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("row-level security");
            return null;
        });
        assertThat(pg.snapshot()).isEqualTo(before);
        assertThat(queryAs(ana, "SELECT DISTINCT driver_id FROM changes"))
                .as("a driver's connection sees the changes about them only").containsExactly(List.of("d_ana"));
        assertThat(queryAs(sam, "SELECT DISTINCT workspace_id FROM changes")).containsExactly(List.of("ws_1"));
        assertThat(countAs(system, "changes")).isEqualTo(all);
    }

    // --- helpers ------------------------------------------------------------------------------

    private Connection runtime() throws SQLException {
        return DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword());
    }

    /** Runs work as the runtime role in one transaction that first sets {@code fleetgate.context}. */
    private <T> T withContext(String context, SqlWork<T> work) throws SQLException {
        try (Connection c = runtime()) {
            return inTransaction(c, context, work);
        }
    }

    private long countAs(String context, String table) throws SQLException {
        return withContext(context, c -> count(c, table));
    }

    private List<List<String>> queryAs(String context, String sql) throws SQLException {
        return withContext(context, c -> query(c, sql));
    }

    private <T> T withSettings(Map<String, String> settings, SqlWork<T> work) throws SQLException {
        try (Connection c = runtime()) {
            return PostgresRowLevelSecurityTest.withRawSettings(c, settings, work);
        }
    }

    private static <T> T inTransaction(Connection c, String context, SqlWork<T> work) throws SQLException {
        return PostgresRowLevelSecurityTest.withRawContext(c, context, work);
    }

    /** {@code context} re-signed with nothing: its MAC kept, its role and user replaced. */
    private static String forged(String context, String role, String user) {
        String[] parts = context.split("\\|", -1);
        parts[1] = role;
        parts[3] = HEX.formatHex(user.getBytes(StandardCharsets.UTF_8));
        return String.join("|", parts);
    }

    private static void assertRefused(Connection c, String sql, String message) {
        assertThatThrownBy(() -> execute(c, sql)).as(sql)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).as(sql).isEqualTo("42501"))
                .hasMessageContaining(message);
    }

    private static Map<String, Long> counts(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        for (String table : List.of("driver_events", "delivery_batches", "batch_stops", "driver_sessions",
                "user_credentials", "exclusive_sessions", "quarantined_events", "event_reviews")) {
            out.put(table, count(c, table));
        }
        return out;
    }

    private static long count(Connection c, String table) throws SQLException {
        return Long.parseLong(query(c, "SELECT COUNT(*) FROM " + table).get(0).get(0));
    }

    private static List<List<String>> query(Connection c, String sql) throws SQLException {
        return PostgresFixture.rows(c, sql);
    }

    private static boolean execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.execute(sql);
        }
    }
}
