package io.fleetgate.store.jdbc.internal;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL change watch: one connection of the store's pool (behind a transaction pooler: of
 * a small pool straight to the server, {@code listenUrl}), held for as long as the store is open, {@code LISTEN}ing on V14's channel {@code fleetgate_changes}. A notification's payload
 * is {@code <schema>|<workspace>}; those of this store's schema are told. When the connection is
 * lost it is given back and another taken, with pauses growing to {@value ChangeWatch#MAX_PAUSE_MS} ms, and
 * the watchers are told {@code null} (any workspace) once listening again: what was committed in
 * between woke nobody. Before the connection goes back to the pool it {@code UNLISTEN}s, so no
 * later borrower collects notifications. Only loaded for PostgreSQL stores (the driver is optional).
 */
final class PostgresChangeListener extends ChangeWatch {
    static final int POLL_MS = 500;

    private final DataSource dataSource;
    private final DataSource schemaSource;
    private final String listen;
    private final String unlisten;
    private final String schema;

    /**
     * @param dataSource   where the listening connection comes from: the store's pool, or behind a
     *                     transaction pooler a direct connection's
     * @param schemaSource the store's pool, over which the store's schema is read (the listening
     *                     connection may have another search path)
     * @param dialect      PostgreSQL
     */
    PostgresChangeListener(DataSource dataSource, DataSource schemaSource, SqlDialect dialect) {
        super("fleetgate-changes-listen");
        this.dataSource = dataSource;
        this.schemaSource = schemaSource;
        this.listen = SqlFiles.statement(dialect, "changes/listen");
        this.unlisten = SqlFiles.statement(dialect, "changes/unlisten");
        this.schema = SqlFiles.statement(dialect, "changes/schema");
    }

    @Override
    void run() {
        long pause = 100;
        while (!closed()) {
            try (Connection c = dataSource.getConnection()) {
                try {
                    listenOn(c);
                    pause = 100;
                } finally {
                    stopListening(c);
                }
            } catch (SQLException | RuntimeException e) {
                if (closed()) {
                    return;
                }
                LOG.atWarn().setMessage("change_listen_lost").addKeyValue("exception", e.getClass().getName())
                        .addKeyValue("retry_ms", pause).log();
                pause(pause);
                pause = Math.min(MAX_PAUSE_MS, pause * 2);
            }
        }
    }

    private void listenOn(Connection c) throws SQLException {
        c.setAutoCommit(true);
        String mine;
        if (schemaSource == dataSource) {
            mine = schemaOf(c);
        } else {
            try (Connection other = schemaSource.getConnection()) {
                mine = schemaOf(other);
            }
        }
        try (Statement st = c.createStatement()) {
            // the last statement: pg_stat_activity shows a listening connection by it
            st.execute(listen);
        }
        LOG.atInfo().setMessage("change_listen_started").log();
        tell(null);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed()) {
            PGNotification[] notes = pg.getNotifications(POLL_MS);
            if (notes == null) {
                continue;
            }
            for (PGNotification n : notes) {
                String payload = n.getParameter();
                if (payload != null && payload.startsWith(mine) && payload.length() > mine.length()) {
                    tell(payload.substring(mine.length()));
                }
            }
        }
    }

    private String schemaOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(schema)) {
            rs.next();
            return rs.getString(1) + "|";
        }
    }

    private void stopListening(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute(unlisten);
        } catch (SQLException e) {
            // a connection that cannot UNLISTEN is broken: the pool drops it rather than lend it
            LOG.atDebug().setMessage("change_unlisten_failed").addKeyValue("exception", e.getClass().getName()).log();
        }
    }

    @Override
    void wakeForClose() {
        // the thread sees closed() within POLL_MS
    }
}
