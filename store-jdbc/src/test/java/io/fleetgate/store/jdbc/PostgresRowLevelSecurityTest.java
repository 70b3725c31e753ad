package io.fleetgate.store.jdbc;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.internal.AccessContext;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Row-level security on PostgreSQL (migrations V5 and V8): the database itself keeps each principal
 * to its rows, under the library's checks, and a connection that names no verified principal sees
 * nothing. The store runs as the runtime role (owns nothing); the contexts these tests set are
 * signed with the schema's key as the store signs them ({@link PostgresFixture#inTransaction}).
 * What a connection without the key can try, and how each attempt fails, is in
 * {@link PostgresCompromisedConnectionTest}.
 *
 * <p>The world: workspaces ws_1 and ws_2; driver ana (ws_1) with batch b_1; driver ben with b_2
 * in ws_1 and b_3 in ws_2. Both logged in (a device session each; the login appended a
 * DRIVER_LOGGED_IN event to each of their batches), both hold an exclusive session, and ana started
 * her route. So driver_events holds four rows: ana's two on b_1, ben's on b_2 and b_3.
 */
class PostgresRowLevelSecurityTest {
    private static final List<String> DRIVER_TABLES = List.of("driver_events", "delivery_batches",
            "exclusive_sessions", "driver_sessions");

    private PostgresFixture pg;
    private JdbcStore store;
    private DriverExecutionService execution;

    @BeforeEach
    void seed() {
        pg = new PostgresFixture();
        store = pg.store();
        TestClock clock = TestClock.standard();
        FleetgateSettings settings = TestFleetgates.settings();
        Principal system = Principal.system();
        AccessService access = PostgresFixture.twoWorkspaces(store);
        execution = TestFleetgates.on(store, clock, settings).execution();
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
        store.places().upsertCharger(new Charger("ch_1", null, Coordinate.of(30.2672, -97.7431)));
        store.places().upsertMerchant(new Merchant("m_1", null, "Taco Stop"));
        ExclusiveSessionService exclusive = TestFleetgates.on(store, clock, FleetgateSettings.defaults()).exclusive();
        exclusive.activate(Principal.driver("d_ana"), ActivateRequest.of("m_1", "ch_1", 30.2672, -97.7431));
        exclusive.activate(Principal.driver("d_ben"), ActivateRequest.of("m_1", "ch_1", 30.2672, -97.7431));
        EventOutcome started = execution.record(Principal.driver("d_ana"), DriverEventRequest.of("e-start", "b_1",
                DriverEventType.ROUTE_STARTED, clock.instant().minusSeconds(60)));
        assertThat(started.result()).isEqualTo(EventOutcome.Result.ACCEPTED);
    }

    @AfterEach
    void drop() {
        pg.close();
    }

    // --- (a) no principal, no rows ----------------------------------------------------------

    @Test
    void rawConnectionWhenNoPrincipalSetThenSeesNoRowOfDriverTablesThoughRowsExist() throws SQLException {
        Map<String, Long> asSystem = counts(store.dataSource(), "system", "system", "");
        assertThat(asSystem).containsEntry("driver_events", 4L).containsEntry("delivery_batches", 3L)
                .containsEntry("exclusive_sessions", 2L).containsEntry("driver_sessions", 2L);

        try (Connection c = store.dataSource().getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(counts(c)).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
            // Also inside a transaction that set nothing, and in one that set an empty context.
            Map<String, Long> nothingSet = PostgresFixture.inTransaction(c, null, null, null,
                    PostgresRowLevelSecurityTest::counts);
            assertThat(nothingSet).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
            Map<String, Long> emptySet = withRawContext(c, "", PostgresRowLevelSecurityTest::counts);
            assertThat(emptySet).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        }
    }

    // --- (b) the settings end with the transaction --------------------------------------------

    @Test
    void pooledConnectionWhenReusedAfterAnotherPrincipalsTransactionThenSeesNothing() throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            Map<String, Long> asAna = PostgresFixture.inTransaction(c, "driver", "d_ana", "",
                    PostgresRowLevelSecurityTest::counts);
            assertThat(asAna).containsEntry("driver_events", 2L).containsEntry("delivery_batches", 1L)
                    .containsEntry("exclusive_sessions", 1L).containsEntry("driver_sessions", 1L);

            assertThat(setting(c, PostgresContextKey.SETTING)).isEmpty();
            assertThat(counts(c)).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        }
    }

    @Test
    void storeWhenItsOnlyConnectionServedADriverThenTheNextRawUseOfItSeesNothing() throws SQLException {
        try (JdbcStore single = pg.builder().poolSize(1).build()) {
            DriverExecutionService service = TestFleetgates.on(single, java.time.Clock.systemUTC(), FleetgateSettings.defaults()).execution();
            long before = backendPid(single.dataSource());

            assertThat(service.log(Principal.driver("d_ana"), "b_1")).hasSize(2);
            assertThat(service.batch(Principal.driver("d_ana"), "b_1").id()).isEqualTo("b_1");

            try (Connection c = single.dataSource().getConnection()) {
                assertThat(backendPid(c)).as("the pool's one connection").isEqualTo(before);
                assertThat(setting(c, PostgresContextKey.SETTING)).isEmpty();
                assertThat(counts(c)).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
            }
        }
    }

    // --- (c) a role that owns nothing, bound without FORCE -------------------------------------

    /**
     * A role granted SELECT sees, under a context signed with the key, exactly that principal's
     * rows; under V5's settings (which it can set: role 'system' once showed it everything) or no
     * context, nothing.
     */
    @Test
    void readerRoleWhenSelectingUnderEachPrincipalThenSeesOnlyThatPrincipalsRows() throws SQLException {
        String reader = PostgresFixture.readerUser();
        PostgresFixture.execute("GRANT USAGE ON SCHEMA " + pg.schema() + " TO " + reader);
        PostgresFixture.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + pg.schema() + " TO " + reader);
        PostgresFixture.execute("REVOKE SELECT ON " + pg.schema() + ".fleetgate_context_key FROM " + reader);

        try (Connection c = DriverManager.getConnection(pg.schemaUrl(), reader, PostgresFixture.readerPassword())) {
            assertThat(role(c)).containsEntry("rolsuper", false).containsEntry("rolbypassrls", false);
            assertThat(query(c, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()"))
                    .containsExactly(List.of(PostgresFixture.user()));

            List<List<String>> asAna = PostgresFixture.inTransaction(c, "driver", "d_ana", "",
                    x -> query(x, "SELECT driver_id, batch_id FROM driver_events ORDER BY batch_version"));
            assertThat(asAna).containsExactly(List.of("d_ana", "b_1"), List.of("d_ana", "b_1"));

            List<List<String>> asBen = PostgresFixture.inTransaction(c, "driver", "d_ben", "",
                    x -> query(x, "SELECT DISTINCT driver_id FROM driver_events"));
            assertThat(asBen).containsExactly(List.of("d_ben"));

            List<List<String>> asSupervisor = PostgresFixture.inTransaction(c, "supervisor", "s_sam", "ws_1",
                    x -> query(x, "SELECT workspace_id, batch_id FROM driver_events ORDER BY batch_id, batch_version"));
            assertThat(asSupervisor).containsExactly(List.of("ws_1", "b_1"), List.of("ws_1", "b_1"), List.of("ws_1", "b_2"));

            List<List<String>> asMemberOfWs2 = PostgresFixture.inTransaction(c, "member", "u_mo", "ws_2",
                    x -> query(x, "SELECT workspace_id, batch_id FROM driver_events"));
            assertThat(asMemberOfWs2).containsExactly(List.of("ws_2", "b_3"));

            assertThat(query(c, "SELECT * FROM driver_events")).isEmpty();
            List<List<String>> v5System = withRawSettings(c, Map.of("fleetgate.role", "system",
                    "fleetgate.user_id", "system"), x -> query(x, "SELECT * FROM driver_events"));
            assertThat(v5System).as("V5's settings are no longer believed").isEmpty();
            List<List<String>> nothingSet = PostgresFixture.inTransaction(c, null, null, null,
                    x -> query(x, "SELECT * FROM driver_events"));
            assertThat(nothingSet).isEmpty();
            assertThat(counts(c)).allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        }
    }

    // --- (d) writes outside one's rows ----------------------------------------------------------

    @Test
    void driverWhenWritingAnotherDriversRowsByHandThenPolicyRefusesOrMatchesNothing() throws SQLException {
        DataSource ds = store.dataSource();
        String before = pg.snapshot();

        assertThatThrownBy(() -> asPrincipal(ds, "driver", "d_ana", "", c -> update(c,
                "INSERT INTO driver_events (event_id, batch_id, workspace_id, driver_id, actor_id, event_type, "
                        + "previous_status, driver_status, batch_version, recorded_at, synced_at, payload, content_hash, "
                        + "flagged_for_review, flag_reasons) VALUES ('e-forged', 'b_2', 'ws_1', 'd_ben', 'd_ana', "
                        + "'ROUTE_STARTED', 'ACTIVE', 'EN_ROUTE', 2, now(), now(), '{}', 'h', false, '[]')")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        assertThat(asAna(ds, "UPDATE delivery_batches SET driver_id = 'd_ana', updated_at = now() WHERE id = 'b_2'"))
                .isZero();
        assertThat(asAna(ds, "UPDATE exclusive_sessions SET status = 'CANCELED' WHERE driver_id = 'd_ben'")).isZero();
        assertThat(asAna(ds, "UPDATE driver_sessions SET invalidated_at = now(), invalidation_reason = 'LOGOUT' "
                + "WHERE user_id = 'd_ben'")).isZero();
        // Her own batch may not be handed to someone else either.
        assertThatThrownBy(() -> asPrincipal(ds, "driver", "d_ana", "", c -> update(c,
                "UPDATE delivery_batches SET driver_id = 'd_ben' WHERE id = 'b_1'")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        // A supervisor creates batches in their workspace only; a member writes nothing.
        assertThatThrownBy(() -> asPrincipal(ds, "supervisor", "s_sam", "ws_1", c -> update(c,
                "INSERT INTO delivery_batches (id, workspace_id, execution_metadata, visited_stops, version, "
                        + "created_at, updated_at) VALUES ('b_x', 'ws_2', '{}', '[]', 0, now(), now())")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        int byMember = asPrincipal(ds, "member", "u_mia", "ws_1", c -> update(c,
                "UPDATE delivery_batches SET updated_at = now() WHERE workspace_id = 'ws_1'"));
        assertThat(byMember).isZero();

        assertThat(pg.snapshot()).isEqualTo(before);
    }

    // --- (e) the roles are bound ----------------------------------------------------------------

    @Test
    void storeRoleWhenInspectedThenNotSuperuserNorBypassRlsNorOwnerAndEveryDriverTableForced() throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            assertThat(role(c)).containsEntry("rolsuper", false).containsEntry("rolbypassrls", false);
            assertThat(query(c, "SELECT current_user, pg_has_role(current_user, '" + PostgresFixture.user() + "', 'MEMBER')"))
                    .containsExactly(List.of(PostgresFixture.runtimeUser(), "f"));
            assertThat(query(c, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()"))
                    .containsExactly(List.of(PostgresFixture.user()));
            List<List<String>> tables = query(c, "SELECT relname, relrowsecurity::text, relforcerowsecurity::text, "
                    + "relispartition::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                    + "AND relkind IN ('r', 'p') ORDER BY relname");
            List<String> bound = new ArrayList<>();
            List<String> open = new ArrayList<>();
            List<String> partitions = new ArrayList<>();
            for (List<String> t : tables) {
                assertThat(t.get(1)).as("ENABLE and FORCE together on %s", t.get(0)).isEqualTo(t.get(2));
                if (Boolean.parseBoolean(t.get(3))) {
                    // V16: a partition is bound too (no policy: nothing visible but through its parent)
                    assertThat(t.get(1)).as("row-level security on partition %s", t.get(0)).isEqualTo("true");
                    partitions.add(t.get(0));
                } else {
                    (Boolean.parseBoolean(t.get(1)) ? bound : open).add(t.get(0));
                }
            }
            assertThat(partitions).contains("driver_events_default", "driver_fixes_default")
                    .allMatch(p -> p.startsWith("driver_events_") || p.startsWith("driver_fixes_"));
            assertThat(bound).containsExactlyInAnyOrder("batch_stops", "delivery_batches", "driver_events",
                    "driver_sessions", "event_reviews", "exclusive_sessions", "login_attempts", "quarantined_events",
                    "user_credentials", "login_source_attempts", "security_audit", "driver_fixes", "driver_presence",
                    "position_alerts", "changes", "change_floors", "driver_event_ids", "open_review_items");
            assertThat(open).containsExactlyInAnyOrder("chargers", "merchants", "workspaces", "workspace_members",
                    "fleetgate_schema_history", "fleetgate_schema_lock", "fleetgate_context_key");
        }
    }

    /**
     * V5, V8, V10, V11, V12, V14, V16 and V18 run again, as the owner (V5 puts back its functions and
     * policies, V8 its own, V10 its function and the policies that call it, V11 the policy on
     * deleting stops, V12 those of the fixes, presence and alerts, and its seed of presence adds
     * nothing; V14 its change feed's function and triggers, which V16 then makes again with their
     * source table as argument, with its own policies on the partitioned tables and the claims; V18
     * its triggers, its policies, its backfills, which change nothing, and the retention function
     * V16 made again).
     */
    @Test
    void migrationWhenRowLevelSecurityFilesRunAgainThenNothingFailsOrChanges() throws Exception {
        String before = pg.snapshot();
        String catalogue = SchemaCatalogue.of(store.dataSource());
        String policies = "SELECT tablename || '.' || policyname || ' ' || cmd || ' ' || COALESCE(qual, '') || ' | '"
                + " || COALESCE(with_check, '') FROM pg_policies WHERE schemaname = current_schema() ORDER BY 1";
        List<List<String>> policiesBefore;
        try (Connection c = store.dataSource().getConnection()) {
            policiesBefore = query(c, policies);
        }
        // V5's 21 (V8 replaces them, V10 four of them), V6's 3, V11's 1, V12's 9, V14's 6, V16's 3 (the
        // claims'; it makes driver_events' and driver_fixes' again on their partitioned tables), V18's 4
        // (open_review_items' two, driver_presence's two for the owner)
        assertThat(policiesBefore).hasSize(47);
        String text = "";
        for (String file : List.of("V5__row_level_security.sql", "V8__database_roles.sql",
                "V10__workspace_member_function.sql", "V11__stops.sql", "V12__positions.sql",
                "V14__change_feed.sql", "V15__principal_inlined.sql",
                "V16__partitioned_event_log.sql", "V18__flat_sweep_and_queue.sql")) {
            try (var in = getClass().getResourceAsStream("/io/fleetgate/store/jdbc/migration/postgres/" + file)) {
                text += new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\n";
            }
        }
        String script = text;

        // As the migration runner does: the owner, no principal, one transaction.
        try (Connection c = pg.ownerDataSource().getConnection()) {
            PostgresFixture.inTransaction(c, null, null, null, x -> {
                for (String statement : io.fleetgate.store.jdbc.internal.SqlScript.split(script)) {
                    update(x, statement);
                }
                return null;
            });
        }
        try (Connection c = store.dataSource().getConnection()) {
            assertThat(query(c, policies)).isEqualTo(policiesBefore);
        }
        assertThat(SchemaCatalogue.of(store.dataSource())).isEqualTo(catalogue);
        assertThat(pg.snapshot()).isEqualTo(before);
        assertThat(execution.batch(Principal.driver("d_ana"), "b_1").id()).as("the key did not change").isEqualTo("b_1");
    }

    // --- through the services -----------------------------------------------------------------

    @Test
    void supervisorOfOtherWorkspaceWhenReadingBatchThenLibrarySaysNotFoundAndDatabaseShowsNothing() {
        Principal otherSupervisor = Principal.supervisor("s_oz", "ws_2");

        assertThatThrownBy(() -> execution.batch(otherSupervisor, "b_1"))
                .isInstanceOfSatisfying(FleetgateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(execution.batch(Principal.supervisor("s_sam", "ws_1"), "b_1").id()).isEqualTo("b_1");

        // Beneath the library's check: the store binds each transaction to the call's principal.
        try (AccessContext.Scope scope = AccessContext.enter(otherSupervisor)) {
            assertThat(store.batches().findBatch("b_1")).isEmpty();
            assertThat(store.eventLog().findLog("b_1")).isEmpty();
            assertThat(store.batches().findBatch("b_3")).isPresent();
        }
        try (AccessContext.Scope scope = AccessContext.enter(Principal.driver("d_ben"))) {
            assertThat(store.batches().findBatches(List.of("b_1", "b_2", "b_3"))).containsOnlyKeys("b_2", "b_3");
            assertThat(store.sessions().findCurrent("d_ana")).isEmpty();
            assertThat(store.sessions().findCurrent("d_ben")).isPresent();
            assertThat(store.exclusiveSessions().findActive("d_ana")).isEmpty();
        }
        assertThat(store.batches().findBatch("b_1")).as("no call in progress: the system").isPresent();
    }

    // --- helpers ------------------------------------------------------------------------------

    private static <T> T asPrincipal(DataSource ds, String role, String user, String workspace, SqlWork<T> work)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            return PostgresFixture.inTransaction(c, role, user, workspace, work);
        }
    }

    /** Runs work in one transaction that first sets {@code fleetgate.context} to exactly {@code value}. */
    static <T> T withRawContext(Connection c, String value, SqlWork<T> work) throws SQLException {
        return withRawSettings(c, Map.of(PostgresContextKey.SETTING, value), work);
    }

    /** Runs work in one transaction that first sets each setting with {@code set_config(…, true)}. */
    static <T> T withRawSettings(Connection c, Map<String, String> settings, SqlWork<T> work) throws SQLException {
        return PostgresFixture.inTransaction(c, null, null, null, x -> {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                try (PreparedStatement st = x.prepareStatement("SELECT set_config(?, ?, true)")) {
                    st.setString(1, e.getKey());
                    st.setString(2, e.getValue());
                    st.executeQuery().close();
                }
            }
            return work.run(x);
        });
    }

    private static int asAna(DataSource ds, String sql) throws SQLException {
        return asPrincipal(ds, "driver", "d_ana", "", c -> update(c, sql));
    }

    private static Map<String, Long> counts(DataSource ds, String role, String user, String workspace)
            throws SQLException {
        return asPrincipal(ds, role, user, workspace, PostgresRowLevelSecurityTest::counts);
    }

    private static Map<String, Long> counts(Connection c) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        for (String table : DRIVER_TABLES) {
            out.put(table, Long.parseLong(query(c, "SELECT COUNT(*) FROM " + table).get(0).get(0)));
        }
        return out;
    }

    private static List<List<String>> query(Connection c, String sql) throws SQLException {
        return PostgresFixture.rows(c, sql);
    }

    private static int update(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT COALESCE(current_setting(?, true), '')")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static Map<String, Boolean> role(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            return Map.of("rolsuper", rs.getBoolean(1), "rolbypassrls", rs.getBoolean(2));
        }
    }

    private static long backendPid(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return backendPid(c);
        }
    }

    /**
     * The backend the connection announced when it opened: the server process straight to the
     * server; behind PgBouncer (scripts/test's second pass) PgBouncer's id of the client
     * connection, since a transaction pooler lends the server connection per transaction.
     */
    private static long backendPid(Connection c) throws SQLException {
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }
}
