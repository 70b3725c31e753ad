package io.fleetgate.store.jdbc.internal;

import io.fleetgate.Principal;
import io.fleetgate.internal.Json;
import io.fleetgate.store.jdbc.Dialect;
import org.jdbi.v3.core.Handle;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * PostgreSQL: instants as {@code timestamptz}, JSON as {@code jsonb}, errors by SQLSTATE.
 *
 * <p>{@code jsonb} keeps a JSON value, not its text: it re-orders keys, adds spaces and prints
 * numbers as {@code numeric} does. JSON read back is therefore re-encoded canonically
 * ({@code Json.write}), so that it is the text that was written, as on SQLite.
 *
 * <p><b>Row-level security.</b> Migration V5 enables and forces row-level security on the tables
 * holding drivers' data, with policies that read three transaction-local settings:
 * {@code fleetgate.role}, {@code fleetgate.user_id} and {@code fleetgate.workspace_id}. Every unit
 * of work, reads included, therefore runs in a transaction whose first statement sets them for
 * the acting principal ({@link #bindPrincipal}) with {@code set_config(…, true)}: they vanish at
 * commit or rollback, so a pooled connection handed to anyone else carries no one's identity and,
 * without settings, the policies let it see nothing. {@link #settings(Principal)} is the one place
 * that maps a principal to those settings.
 */
public final class PostgresDialect extends SqlDialect {
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03", "53300");
    /** A transaction-scoped advisory lock on a text key (64-bit hash; a collision only serialises more). */
    private static final String LOCK_KEY = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(?, 0))) AS locked";
    private static final String BIND_PRINCIPAL = "SELECT set_config('fleetgate.role', ?, true), "
            + "set_config('fleetgate.user_id', ?, true), set_config('fleetgate.workspace_id', ?, true)";

    /**
     * What the row-level security policies of migration V5 read for one principal.
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

    /** One statement, one round trip: the three settings, local to the current transaction. */
    @Override
    public void lockKeys(Handle handle, java.util.List<String> keys) {
        for (String key : keys) {
            handle.createQuery(LOCK_KEY).bind(0, key).mapTo(Integer.class).one();
        }
    }

    @Override
    public void bindPrincipal(Handle handle, Principal principal) {
        AccessSettings s = settings(principal);
        try (PreparedStatement st = handle.getConnection().prepareStatement(BIND_PRINCIPAL)) {
            st.setString(1, s.role());
            st.setString(2, s.userId());
            st.setString(3, s.workspaceId());
            st.executeQuery().close();
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
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
    public Instant instant(ResultSet rs, String column) throws SQLException {
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
    public String json(ResultSet rs, String column) throws SQLException {
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
