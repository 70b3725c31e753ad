package io.fleetgate.store.jdbc;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.SessionService;
import io.fleetgate.store.jdbc.PostgresFixture.SqlWork;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migration V10's {@code fleetgate_workspace_has_member(member_id)}: the one SQL function the
 * policies of driver_sessions and user_credentials call instead of repeating V8's membership
 * {@code EXISTS}. It answers from the verified principal only (V8's signed context), on the
 * runtime role's own connection, as an attacker with that connection would call it.
 *
 * <p>The world: workspaces ws_1 and ws_2; d_ana belongs to ws_1, d_ben to both, d_cy to ws_2;
 * u_new to none. All four are enrolled; d_ana, d_ben and d_cy are logged in (a device session
 * each).
 */
class PostgresWorkspaceMemberFunctionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String FUNCTION = "fleetgate_workspace_has_member";

    private PostgresFixture pg;
    private PostgresContextKey key;

    @BeforeEach
    void seed() throws SQLException {
        pg = new PostgresFixture();
        JdbcStore store = pg.store();
        TestClock clock = TestClock.standard();
        FleetgateSettings settings = TestFleetgates.settings();
        Principal system = Principal.system();
        AccessService access = PostgresFixture.twoWorkspaces(store);
        access.addMember(system, new Membership("d_cy", "ws_2", Role.DRIVER));
        CredentialService credentials = TestFleetgates.on(store, clock, FleetgateSettings.defaults()).credentials();
        SessionService sessions = TestFleetgates.on(store, clock, settings).sessions();
        for (String user : List.of("d_ana", "d_ben", "d_cy", "u_new")) {
            credentials.enrol(system, new EnrolRequest(user, user.substring(2), "482193"));
            if (!user.equals("u_new")) {
                sessions.login(system, new LoginRequest(user.substring(2), "482193", "phone-" + user));
            }
        }
        try (Connection owner = pg.ownerDataSource().getConnection()) {
            key = PostgresContextKey.read(owner);
        }
    }

    @AfterEach
    void drop() {
        pg.close();
    }

    @Test
    void functionWhenVerifiedSupervisorOfTheUsersWorkspaceThenTrueElseFalse() throws SQLException {
        String sam = context(Principal.supervisor("s_sam", "ws_1"));
        assertThat(answers(sam, "d_ana", "d_ben", "d_cy", "u_new", "nobody"))
                .containsExactly(true, true, false, false, false);
        String oz = context(Principal.supervisor("s_oz", "ws_2"));
        assertThat(answers(oz, "d_ana", "d_ben", "d_cy")).containsExactly(false, true, true);
        // A member reads the sessions of their workspace's users (driver_sessions_select): the
        // function answers for them too; the policies that let supervisors only test the role first.
        String mia = context(new Principal.Member("u_mia", "ws_1"));
        assertThat(answers(mia, "d_ana", "d_cy")).containsExactly(true, false);
        // A driver and the system act in no workspace.
        assertThat(answers(context(Principal.driver("d_ana")), "d_ana", "d_ben")).containsExactly(false, false);
        assertThat(answers(context(Principal.system()), "d_ana", "d_cy")).containsExactly(false, false);
    }

    @Test
    void functionWhenContextForgedStaleOrAbsentThenFalse() throws SQLException {
        String oz = context(Principal.supervisor("s_oz", "ws_2"));
        String swapped = oz.replace("|" + hex("ws_2") + "|", "|" + hex("ws_1") + "|");
        assertThat(swapped).isNotEqualTo(oz);
        String madeUpKey = PostgresFixture.forgeContext(new byte[64], "supervisor", "s_oz", "ws_1", Instant.now());
        String stale = key.context(Principal.supervisor("s_sam", "ws_1"), Instant.now().minusSeconds(120));
        String ahead = key.context(Principal.supervisor("s_sam", "ws_1"), Instant.now().plusSeconds(120));

        assertThat(answers(context(Principal.supervisor("s_sam", "ws_1")), "d_ana"))
                .as("the control: a verified supervisor of ws_1").containsExactly(true);
        for (String forged : List.of(swapped, madeUpKey, stale, ahead, "", "v1|supervisor|0|00|00|" + "0".repeat(64))) {
            assertThat(answers(forged, "d_ana", "d_ben")).as(forged).containsExactly(false, false);
        }
        try (Connection c = runtime()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(has(c, "d_ana")).as("no context at all").isFalse();
            // V5's settings, which any session can set
            Map<String, String> v5 = Map.of("fleetgate.role", "supervisor", "fleetgate.user_id", "s_sam",
                    "fleetgate.workspace_id", "ws_1");
            boolean underV5 = PostgresRowLevelSecurityTest.withRawSettings(c, v5, x -> has(x, "d_ana"));
            assertThat(underV5).isFalse();
        }
    }

    @Test
    void functionWhenSessionShadowsItsTablesOrFunctionsThenStillReadsTheSchemasOwn() throws SQLException {
        try (Connection c = runtime()) {
            execute(c, "CREATE TEMPORARY TABLE workspace_members (user_id TEXT, workspace_id TEXT, role TEXT)");
            execute(c, "INSERT INTO pg_temp.workspace_members VALUES ('d_cy', 'ws_1', 'DRIVER')");
            execute(c, "CREATE FUNCTION pg_temp.fleetgate_context_principal(OUT role text, OUT user_id text, "
                    + "OUT workspace_id text) LANGUAGE sql AS $$ SELECT 'supervisor', 's_sam', 'ws_1' $$");
            execute(c, "CREATE FUNCTION pg_temp.fleetgate_workspace() RETURNS text LANGUAGE sql AS $$ SELECT 'ws_1' $$");

            assertThat(has(c, "d_ana")).as("no context, whatever pg_temp holds").isFalse();
            String sam = context(Principal.supervisor("s_sam", "ws_1"));
            List<Boolean> underSam = PostgresRowLevelSecurityTest.withRawContext(c, sam,
                    x -> List.of(has(x, "d_ana"), has(x, "d_cy")));
            assertThat(underSam).as("the schema's workspace_members, not the session's").containsExactly(true, false);

            assertRefused(c, "CREATE OR REPLACE FUNCTION " + FUNCTION + "(member_id text) RETURNS boolean "
                    + "LANGUAGE sql AS $$ SELECT true $$", "permission denied for schema " + pg.schema());
            assertRefused(c, "ALTER FUNCTION " + FUNCTION + "(text) SECURITY INVOKER",
                    "must be owner of function " + FUNCTION);
            assertRefused(c, "ALTER FUNCTION " + FUNCTION + "(text) RESET search_path",
                    "must be owner of function " + FUNCTION);
        }
    }

    @Test
    void policiesWhenMigratedThenCallTheFunctionInsteadOfRepeatingTheMembershipTest() throws SQLException {
        try (Connection c = runtime()) {
            assertThat(PostgresFixture.rows(c, "SELECT p.prosecdef::text, p.provolatile::text, "
                    + "array_to_string(p.proconfig, ';'), pg_get_userbyid(p.proowner) FROM pg_proc p "
                    + "WHERE p.proname = '" + FUNCTION + "' AND p.pronamespace = current_schema()::regnamespace"))
                    .containsExactly(List.of("true", "s", "search_path=pg_catalog, " + pg.schema() + ", pg_temp",
                            PostgresFixture.user()));

            List<List<String>> policies = PostgresFixture.rows(c, "SELECT tablename || '.' || policyname, "
                    + "COALESCE(qual, '') || ' | ' || COALESCE(with_check, '') FROM pg_policies "
                    + "WHERE schemaname = current_schema() ORDER BY 1");
            assertThat(policies).hasSize(47); // V11's 25, V12's 9 (fixes, presence, alerts), V14's 6 (the change feed),
            // V16's 3 (the claims), V18's 4 (open review items: readers and the owner's triggers; presence: the owner's)
            List<String> calling = new ArrayList<>();
            int calls = 0;
            int memberships = 0;
            for (List<String> p : policies) {
                String text = p.get(1);
                assertThat(text).as("%s tests no membership of the principal's workspace itself", p.get(0))
                        .doesNotContain("m.workspace_id");
                int n = count(text, FUNCTION + "(");
                if (n > 0) {
                    calling.add(p.get(0));
                }
                calls += n;
                memberships += count(text, "workspace_members");
            }
            assertThat(calling).containsExactly("driver_sessions.driver_sessions_select",
                    "driver_sessions.driver_sessions_update", "user_credentials.user_credentials_select",
                    "user_credentials.user_credentials_update");
            assertThat(calls).as("V8's six membership tests, one call each").isEqualTo(6);
            assertThat(memberships).as("only user_credentials_select's NOT EXISTS (a user of no workspace)")
                    .isEqualTo(1);
        }
    }

    @Test
    void policiesWhenSupervisorOrMemberReadsOrChangesUsersThenOnlyThoseOfTheirWorkspace() throws SQLException {
        String sam = context(Principal.supervisor("s_sam", "ws_1"));
        String mia = context(new Principal.Member("u_mia", "ws_1"));
        String oz = context(Principal.supervisor("s_oz", "ws_2"));
        String sessions = "SELECT user_id FROM driver_sessions ORDER BY user_id";
        String users = "SELECT user_id FROM user_credentials ORDER BY user_id";

        assertThat(column(sam, sessions)).containsExactly("d_ana", "d_ben");
        assertThat(column(mia, sessions)).containsExactly("d_ana", "d_ben");
        assertThat(column(oz, sessions)).containsExactly("d_ben", "d_cy");
        assertThat(column(sam, users)).as("and u_new, of no workspace yet")
                .containsExactly("d_ana", "d_ben", "u_new");
        assertThat(column(mia, users)).isEmpty();

        String before = pg.snapshot();
        // Each runs in a transaction that is rolled back after counting the rows it changed.
        assertThat(changedAs(sam, "UPDATE user_credentials SET pin_hash = pin_hash WHERE user_id IN ('d_ana', 'd_cy')"))
                .isEqualTo(1);
        assertThat(changedAs(oz, "UPDATE driver_sessions SET last_active_at = last_active_at")).isEqualTo(2);
        assertThat(changedAs(mia, "UPDATE driver_sessions SET last_active_at = last_active_at")).isZero();
        assertThat(pg.snapshot()).isEqualTo(before);
    }

    // --- helpers ------------------------------------------------------------------------------

    private String context(Principal principal) {
        return key.context(principal, Instant.now());
    }

    private Connection runtime() throws SQLException {
        return DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword());
    }

    /** The function's answer for each user, in one transaction under {@code context}, as the runtime role. */
    private List<Boolean> answers(String context, String... users) throws SQLException {
        return asRuntime(context, c -> {
            List<Boolean> out = new ArrayList<>();
            for (String u : users) {
                out.add(has(c, u));
            }
            return out;
        });
    }

    /** The first column of a query's rows, run as the runtime role under {@code context}. */
    private List<String> column(String context, String sql) throws SQLException {
        return asRuntime(context, c -> column(c, sql));
    }

    private <T> T asRuntime(String context, SqlWork<T> work) throws SQLException {
        try (Connection c = runtime()) {
            return PostgresRowLevelSecurityTest.withRawContext(c, context, work);
        }
    }

    private int changedAs(String context, String sql) throws SQLException {
        try (Connection c = runtime()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("SELECT set_config('" + PostgresContextKey.SETTING + "', ?, true)")) {
                st.setString(1, context);
                st.executeQuery().close();
                try (Statement update = c.createStatement()) {
                    return update.executeUpdate(sql);
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static boolean has(Connection c, String user) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT " + FUNCTION + "(?)")) {
            st.setString(1, user);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                boolean answer = rs.getBoolean(1);
                assertThat(rs.wasNull()).as("never NULL").isFalse();
                return answer;
            }
        }
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        return PostgresFixture.rows(c, sql).stream().map(r -> r.get(0)).toList();
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String hex(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void assertRefused(Connection c, String sql, String message) {
        assertThatThrownBy(() -> execute(c, sql)).as(sql)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).as(sql).isEqualTo("42501"))
                .hasMessageContaining(message);
    }
}
