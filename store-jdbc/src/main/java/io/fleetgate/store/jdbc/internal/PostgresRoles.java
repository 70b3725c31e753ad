package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;
import io.fleetgate.store.jdbc.PostgresContextKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The two PostgreSQL roles of a store (migration V8): the owner, over whose connection the
 * context key is read once and then kept in memory ({@link #contextKey()}), and the runtime role,
 * which must be one that row-level security binds and that holds {@code fleetgate_runtime}'s
 * grants ({@link #checkRuntimeRole}). Thread-safe: the key is read at most once.
 */
public final class PostgresRoles {
    private static final SqlDialect POSTGRES = SqlDialect.of(Dialect.POSTGRES);

    private final DataSource owner;
    private final DataSource runtime;
    private volatile PostgresContextKey contextKey;

    /**
     * The roles of one store.
     *
     * @param owner   connections as the schema's owner
     * @param runtime connections as the role the store runs as
     */
    public PostgresRoles(DataSource owner, DataSource runtime) {
        this.owner = owner;
        this.runtime = runtime;
    }

    /**
     * {@return the context key, read over the owner's connection the first time it is needed, then kept}
     *
     * @throws IllegalStateException if it cannot be read
     */
    public PostgresContextKey contextKey() {
        PostgresContextKey key = contextKey;
        if (key == null) {
            synchronized (this) {
                key = contextKey;
                if (key == null) {
                    try (Connection c = owner.getConnection()) {
                        key = PostgresContextKey.read(c);
                    } catch (SQLException e) {
                        throw new IllegalStateException("cannot read the context key (migration V8) over the owner's "
                                + "connection: " + e.getMessage(), e);
                    }
                    contextKey = key;
                }
            }
        }
        return key;
    }

    /**
     * Refuses a server that takes no writes, before anything is read or written: the runtime
     * role's connection (and the owner's, when it is another data source) must reach a primary
     * whose sessions are not read-only. A standby alone, or a URL whose hosts are tried in order
     * without {@code targetServerType=primary}, would otherwise fail every write later.
     *
     * @throws IllegalStateException naming the server, what is wrong and the fix
     */
    public void checkWritable() {
        checkWritable(runtime, "runtime role");
        if (owner != runtime) {
            checkWritable(owner, "owner");
        }
    }

    private static void checkWritable(DataSource ds, String as) {
        try (Connection c = ds.getConnection();
             PreparedStatement st = c.prepareStatement(SqlFiles.statement(POSTGRES, "context/writable"));
             ResultSet rs = st.executeQuery()) {
            rs.next();
            String server = rs.getString("server");
            if (rs.getBoolean("in_recovery")) {
                throw new IllegalStateException("the PostgreSQL server the store reached as the " + as + " (" + server
                        + ") is a standby in recovery (pg_is_in_recovery() is true): it takes no writes, and the store "
                        + "writes. Give the primary's URL, or name every node and let the driver pick the primary: "
                        + "jdbc:postgresql://node1:5432,node2:5432/fleetgate?targetServerType=primary");
            }
            if (rs.getBoolean("read_only")) {
                throw new IllegalStateException("sessions on the PostgreSQL server the store reached as the " + as
                        + " (" + server + ") are read-only (transaction_read_only is on: default_transaction_read_only "
                        + "is set for the role, the database or the server, or a proxy made them read-only): the "
                        + "store writes. Give the URL of a server that takes writes (with several nodes, "
                        + "targetServerType=primary), or as the DBA ALTER ROLE … SET default_transaction_read_only = off");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect as the " + as + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a runtime role the database would not bind (unless allowed), or one without the
     * library's grants; to run before anything is read or written.
     *
     * @param allowPrivileged whether the owner, a member of it, a superuser or a {@code BYPASSRLS}
     *                        role is accepted
     * @throws IllegalStateException naming the role and what to do
     */
    public void checkRuntimeRole(boolean allowPrivileged) {
        String ownerName;
        try (Connection c = owner.getConnection();
             PreparedStatement st = c.prepareStatement(SqlFiles.statement(POSTGRES, "context/current_user"));
             ResultSet rs = st.executeQuery()) {
            rs.next();
            ownerName = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect as the owner: " + e.getMessage(), e);
        }
        try (Connection c = runtime.getConnection();
             PreparedStatement st = c.prepareStatement(SqlFiles.statement(POSTGRES, "context/runtime_role"))) {
            st.setString(1, ownerName);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                String name = rs.getString("runtime");
                String why = rs.getBoolean("superuser") ? "is a superuser"
                        : rs.getBoolean("bypass_rls") ? "has BYPASSRLS"
                        : rs.getBoolean("owner_member") ? (name.equals(ownerName) ? "is the owner of the schema"
                        : "is a member of the schema's owner " + ownerName) : null;
                if (why != null && !allowPrivileged) {
                    throw new IllegalStateException("the store's runtime role " + name + " " + why
                            + ": row-level security would not bind it (it can read the context key, or lift the "
                            + "policies). Run as a role that owns nothing and is a member of fleetgate_runtime "
                            + "(builder().postgres(url).owner(ownerUser, ownerPassword).runtime(user, password)), "
                            + "or accept that with allowPrivilegedRuntime(true)");
                }
                if (why == null && !rs.getBoolean("runtime_member")) {
                    throw new IllegalStateException("the store's runtime role " + name + " is not a member of "
                            + "fleetgate_runtime, which migration V8 grants the library's DML to: as the DBA, "
                            + "CREATE ROLE fleetgate_runtime NOLOGIN (if missing) and GRANT fleetgate_runtime TO " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect as the runtime role: " + e.getMessage(), e);
        }
    }
}
