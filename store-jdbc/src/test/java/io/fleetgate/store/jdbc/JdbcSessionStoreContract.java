package io.fleetgate.store.jdbc;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.contract.SessionStoreContract;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.LoginResult;
import io.fleetgate.session.SessionService;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SessionStoreContract} on {@link JdbcStore}, plus what only a database can show: its
 * unique indexes and checks refusing hand-made rows (a second current session, a reused token
 * hash, an unknown reason or user), and raw rows that hold no token nor PIN. On each database by a
 * thin subclass.
 */
abstract class JdbcSessionStoreContract extends SessionStoreContract {

    /**
     * @param e a failure of a raw statement
     * @return whether it is this database's unique-violation code
     */
    protected abstract boolean isUniqueViolation(SQLException e);

    protected final JdbcStore jdbc() {
        return (JdbcStore) store();
    }

    // --- the database itself ----------------------------------------------------------------

    @Test
    void databaseWhenSecondCurrentSessionInsertedByHandThenUniqueIndexRefuses() throws SQLException {
        DataSource ds = jdbc().dataSource();
        String row = "INSERT INTO driver_sessions (id, user_id, device_id, token_hash, created_at, last_active_at, "
                + "expires_at, invalidated_at, invalidation_reason) VALUES ('%s', '%s', 'p', '%s', " + ts(T0) + ", "
                + ts(T0) + ", " + ts(T0.plusSeconds(3600)) + ", %s, %s)";
        execute(ds, row.formatted("s1", "d_ana", hex("1"), "NULL", "NULL"));
        execute(ds, row.formatted("s2", "d_ana", hex("2"), ts(T0), "'LOGOUT'"));

        assertThatThrownBy(() -> execute(ds, row.formatted("s3", "d_ana", hex("3"), "NULL", "NULL")))
                .as("second current session")
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(isUniqueViolation(e)).isTrue());
        assertThatThrownBy(() -> execute(ds, row.formatted("s4", "d_ana", hex("1"), ts(T0), "'LOGOUT'")))
                .as("token hash reused")
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(isUniqueViolation(e)).isTrue());
        assertThatThrownBy(() -> execute(ds, row.formatted("s5", "d_ana", hex("5"), ts(T0), "'BOGUS'")))
                .as("unknown reason").isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> execute(ds, row.formatted("s6", "d_ana", hex("6"), ts(T0), "NULL")))
                .as("ended without reason").isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> execute(ds, row.formatted("s7", "d_ana", hex("7"), "NULL", "'LOGOUT'")))
                .as("reason without end").isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> execute(ds, row.formatted("s8", "d_nobody", hex("8"), "NULL", "NULL")))
                .as("unknown user").isInstanceOf(SQLException.class);
        assertThat(count("SELECT COUNT(*) FROM driver_sessions")).isEqualTo(2);

        assertThatThrownBy(() -> execute(ds, "INSERT INTO user_credentials (user_id, username, username_key, "
                + "pin_hash, created_at, updated_at) VALUES ('d_x', 'ANA', 'ana', 'h', " + ts(T0) + ", " + ts(T0) + ")"))
                .as("username key taken")
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(isUniqueViolation(e)).isTrue());
        assertThatThrownBy(() -> execute(ds, "INSERT INTO login_attempts (username_key, failed_count, "
                + "first_failed_at) VALUES ('x', 0, " + ts(T0) + ")"))
                .as("count below 1").isInstanceOf(SQLException.class);
    }

    @Test
    void storeWhenLoggedInThroughServicesThenRawRowsHoldNoTokenNorPin() throws SQLException {
        TestClock clock = new TestClock(T0);
        FleetgateSettings settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        TestFleetgates.on(store(), clock, FleetgateSettings.defaults()).credentials()
                .enrol(Principal.system(), new EnrolRequest("d_cy", "Cy", "90817263"));
        SessionService service = TestFleetgates.on(store(), clock, settings).sessions();
        LoginResult r = service.login(Principal.system(), new LoginRequest("cy", "90817263", "phone-1"));
        LoginResult refreshed = service.refresh(r.token());

        String raw = selectAll("driver_sessions") + selectAll("user_credentials") + selectAll("login_attempts");
        assertThat(raw).contains(r.session().id()).contains("pbkdf2-sha256$")
                .doesNotContain(r.token()).doesNotContain(refreshed.token())
                .doesNotContain("90817263").doesNotContain(r.signingKey());
        assertThat(TableDump.dump(jdbc().dataSource(), jdbc().dialect()))
                .doesNotContain(r.token()).doesNotContain(refreshed.token()).doesNotContain("90817263");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** @return an instant as a SQL literal of this database */
    private String ts(Instant instant) {
        return JdbcAssertions.literal(jdbc().dialect(), instant);
    }

    // Raw statements run as the system principal: on PostgreSQL row-level security hides every
    // row of these tables from a connection that names no principal.

    private long count(String sql) throws SQLException {
        return PostgresFixture.asSystem(jdbc().dataSource(), c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private String selectAll(String table) throws SQLException {
        return PostgresFixture.asSystem(jdbc().dataSource(), c -> {
            StringBuilder out = new StringBuilder();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        out.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                    }
                    out.append('\n');
                }
            }
            return out.toString();
        });
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        PostgresFixture.asSystem(ds, c -> {
            try (Statement st = c.createStatement()) {
                return st.execute(sql);
            }
        });
    }
}
