package io.fleetgate.store.jdbc.internal;

import io.fleetgate.Principal;
import io.fleetgate.internal.Json;
import io.fleetgate.store.jdbc.Dialect;
import io.fleetgate.store.jdbc.PostgresContextKey;
import org.jdbi.v3.core.Handle;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.function.Supplier;

/**
 * PostgreSQL: instants as {@code timestamptz}, JSON as {@code jsonb}, errors by SQLSTATE.
 *
 * <p>{@code jsonb} keeps a JSON value, not its text: it re-orders keys, adds spaces and prints
 * numbers as {@code numeric} does. JSON read back is therefore re-encoded canonically
 * ({@code Json.write}), so that it is the text that was written, as on SQLite.
 *
 * <p><b>Row-level security.</b> Migration V5 enables and forces row-level security on the tables
 * holding drivers' data; since V8 its policies read the acting principal from one
 * transaction-local setting, {@code fleetgate.context}, and believe it only when it carries a MAC
 * under the schema's context key ({@link PostgresContextKey}) and was issued within a minute. Every
 * unit of work, reads included, therefore runs in a transaction whose first statement sets it for
 * the acting principal ({@link #bindPrincipal}) with {@code set_config(…, true)}: it vanishes at
 * commit or rollback, so a pooled connection handed to anyone else carries no one's identity and,
 * without it, the policies let it see nothing. {@link #settings(Principal)} is the one place that
 * maps a principal to the role, user and workspace the context names.
 */
public final class PostgresDialect extends SqlDialect {
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    /**
     * Besides SQLSTATE class 08 (connection exceptions): the server shuts down or restarts (57P01
     * admin, 57P02 crash, 57P03 cannot connect now), has no connection slot left (53300), or is
     * read-only (25006: a write reached a standby, or a primary demoted under the store). The
     * statement was refused, so nothing of the unit was applied: the unit runs again on another
     * connection, and the pool evicts a read-only one ({@link Pools}).
     */
    private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03", "53300", "25006");
    /** A transaction-scoped advisory lock on a text key (64-bit hash; a collision only serialises more). */
    private static final String LOCK_KEY = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(?, 0))) AS locked";
    private static final String BIND_PRINCIPAL = SqlFiles.statement(new PostgresDialect(), "context/bind");
    private static final String BIND_AND_LOCK = SqlFiles.statement(new PostgresDialect(), "context/bind_and_lock");

    private final Supplier<PostgresContextKey> key;
    private final Clock clock;

    /**
     * A dialect that cannot bind a principal ({@link #bindPrincipal} fails): for migrations and
     * for reading and binding values.
     */
    public PostgresDialect() {
        this(null, Clock.systemUTC());
    }

    /**
     * A dialect that binds every transaction to its principal with the context key.
     *
     * @param key   the key, asked for on every bind (the store reads it once and keeps it)
     * @param clock the source of each context's issued-at instant; it must agree with the
     *              database's clock within a few seconds, or the policies show nothing
     */
    public PostgresDialect(Supplier<PostgresContextKey> key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /**
     * What the row-level security policies read for one principal (through migration V8's
     * verified context).
     *
     * @param role        {@code system}, {@code driver}, {@code supervisor} or {@code member}
     * @param userId      the acting user, {@code system} for the system
     * @param workspaceId the workspace a supervisor or member acts in, else empty (read back as NULL)
     */
    public record AccessSettings(String role, String userId, String workspaceId) {
    }

    /**
     * {@return the settings the policies read for it}
     *
     * @param principal the acting principal
     */
    public static AccessSettings settings(Principal principal) {
        if (principal instanceof Principal.Driver d) {
            return new AccessSettings("driver", d.userId(), "");
        }
        if (principal instanceof Principal.Supervisor s) {
            return new AccessSettings("supervisor", s.userId(), s.workspaceId());
        }
        if (principal instanceof Principal.Member m) {
            return new AccessSettings("member", m.userId(), m.workspaceId());
        }
        if (principal instanceof Principal.System) {
            return new AccessSettings("system", "system", "");
        }
        throw new IllegalArgumentException("unknown principal " + principal);
    }

    @Override
    public boolean readsInTransaction() {
        return true;
    }

    @Override
    public void lockKeys(Handle handle, java.util.List<String> keys) {
        for (String key : keys) {
            handle.createQuery(LOCK_KEY).bind(0, key).mapTo(Integer.class).one();
        }
    }

    /** One round trip for the context and the first key's lock; one more per further key. */
    @Override
    public void bindAndLock(Handle handle, Principal principal, java.util.List<String> keys) {
        if (keys.isEmpty()) {
            bindPrincipal(handle, principal);
            return;
        }
        if (key == null) {
            throw new IllegalStateException("this PostgreSQL dialect has no context key, so it cannot bind a principal");
        }
        try (PreparedStatement st = handle.getConnection().prepareStatement(BIND_AND_LOCK)) {
            st.setString(1, key.get().context(principal, clock.instant()));
            st.setString(2, keys.get(0));
            st.executeQuery().close();
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
        lockKeys(handle, keys.subList(1, keys.size()));
    }

    /** One statement, one round trip: the context, local to the current transaction. */
    @Override
    public void bindPrincipal(Handle handle, Principal principal) {
        if (key == null) {
            throw new IllegalStateException("this PostgreSQL dialect has no context key, so it cannot bind a principal");
        }
        String context = key.get().context(principal, clock.instant());
        try (PreparedStatement st = handle.getConnection().prepareStatement(BIND_PRINCIPAL)) {
            st.setString(1, context);
            st.executeQuery().close();
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    @Override
    public org.jdbi.v3.core.statement.Query plannedPerCall(org.jdbi.v3.core.statement.Query query) {
        return query.addCustomizer(new org.jdbi.v3.core.statement.StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, org.jdbi.v3.core.statement.StatementContext ctx)
                    throws SQLException {
                statement.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            }
        });
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public void setInstant(PreparedStatement statement, int position, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(position, instant.atOffset(ZoneOffset.UTC));
        }
    }

    @Override
    public Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    public void setJson(PreparedStatement statement, int position, String json) throws SQLException {
        if (json == null) {
            statement.setNull(position, Types.OTHER);
        } else {
            // Types.OTHER sends the text untyped, so the server coerces it to the column's jsonb.
            statement.setObject(position, json, Types.OTHER);
        }
    }

    @Override
    public String json(ResultSet rs, int column) throws SQLException {
        String stored = rs.getString(column);
        return stored == null ? null : Json.write(Json.parse(stored));
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public boolean isRetryable(SQLException e) {
        return e.getSQLState() != null && RETRYABLE.contains(e.getSQLState());
    }

    @Override
    public boolean isUnavailable(SQLException e) {
        return super.isUnavailable(e) || (e.getSQLState() != null && UNAVAILABLE.contains(e.getSQLState()));
    }
}
