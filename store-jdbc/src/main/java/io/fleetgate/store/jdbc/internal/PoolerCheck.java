package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;
import io.fleetgate.store.jdbc.Pooler;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The start-up check of a PostgreSQL store's {@link Pooler} setting against the connection it gets.
 * Deterministic: at connect the server announces the process id of the backend that serves the
 * connection (the driver keeps it, {@link PGConnection#getBackendPID()}); a pooler announces one of
 * its own (PgBouncer: part of the random cancel key it gives each client), so
 * {@code pg_backend_pid()} differs from it exactly when something pools in between. Stateless.
 */
public final class PoolerCheck {
    private static final String BACKEND_PID = SqlFiles.statement(SqlDialect.of(Dialect.POSTGRES), "context/backend_pid");

    private PoolerCheck() {
    }

    /**
     * Refuses a setting the connection contradicts: {@link Pooler#NONE} through a pooler, or
     * {@link Pooler#TRANSACTION} on connections that prepare statements on the server.
     *
     * @param dataSource the connections to check (one is borrowed and given back)
     * @param pooler     the store's setting
     * @param role       which connections these are, for the message ({@code runtime}, {@code owner})
     * @throws IllegalStateException naming the fix
     */
    public static void check(DataSource dataSource, Pooler pooler, String role) {
        if (pooler == Pooler.SESSION) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            if (pooler == Pooler.TRANSACTION) {
                if (pg.getPrepareThreshold() != 0) {
                    throw new IllegalStateException("the store is set for a transaction pooler (Pooler.TRANSACTION) but "
                            + "its " + role + " connections prepare statements on the server (prepareThreshold="
                            + pg.getPrepareThreshold() + "), which another client's transaction then finds in place "
                            + "('prepared statement \"S_1\" already exists'): set prepareThreshold=0 on the data "
                            + "source (the store's own pool does, unless the URL says otherwise)");
                }
                return;
            }
            if (throughPooler(c, pg)) {
                throw new IllegalStateException("the store's " + role + " connection goes through a connection pooler "
                        + "(the server process announced at connect is not the one running its statements), but the "
                        + "store is set for a direct connection (Pooler.NONE). Behind a pooler that lends server "
                        + "connections per transaction (PgBouncer pool_mode = transaction) server-side prepared "
                        + "statements and LISTEN break: set the pooler to transaction (FLEETGATE_PG_POOLER=transaction; "
                        + "JdbcStore.builder().pooler(Pooler.TRANSACTION)); behind one that keeps a server connection "
                        + "per client (pool_mode = session) set it to session (FLEETGATE_PG_POOLER=session)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect as the " + role + " role to check the pooler setting: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Refuses a listen URL ({@code JdbcStore.Builder#listenUrl}) that goes through a pooler: a
     * {@code LISTEN} there would hear nothing, or another client's notifications.
     *
     * @param dataSource the listening pool
     * @throws IllegalStateException naming the fix
     */
    public static void checkDirect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (throughPooler(c, c.unwrap(PGConnection.class))) {
                throw new IllegalStateException("the change feed's listen URL goes through a connection pooler, where "
                        + "LISTEN cannot work: give a URL straight to the PostgreSQL server (FLEETGATE_PG_LISTEN_URL; "
                        + "JdbcStore.builder().listenUrl(…)), or none, and the feed polls");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the change feed's listen URL: " + e.getMessage(), e);
        }
    }

    private static boolean throughPooler(Connection c, PGConnection pg) throws SQLException {
        int announced = pg.getBackendPID();
        try (PreparedStatement st = c.prepareStatement(BACKEND_PID); ResultSet rs = st.executeQuery()) {
            rs.next();
            return announced != rs.getInt(1);
        }
    }
}
