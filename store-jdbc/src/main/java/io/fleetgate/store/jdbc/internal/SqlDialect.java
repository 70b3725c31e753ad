package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;
import org.jdbi.v3.core.argument.Argument;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Everything that differs between the databases, in one place: how instants are bound and read,
 * and what an error means. The SQL text itself differs only where a file has a dialect override.
 * Implementations are stateless and thread-safe.
 */
public abstract sealed class SqlDialect permits PostgresDialect, SqliteDialect {

    /** @return the public name of this dialect */
    public abstract Dialect dialect();

    /** @return the folder and file-suffix name: {@code postgres} or {@code sqlite} */
    public final String folder() {
        return dialect().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param instant a UTC instant (microsecond precision), or {@code null}
     * @return a Jdbi argument binding it as this database stores instants
     */
    public abstract Argument instant(Instant instant);

    /**
     * @param rs     a result set on a row
     * @param column the column
     * @return the instant stored there, or {@code null}
     * @throws SQLException if the driver fails
     */
    public abstract Instant instant(ResultSet rs, String column) throws SQLException;

    /**
     * @param e an error from the driver
     * @return whether it is a unique-constraint violation (and nothing else)
     */
    public abstract boolean isUniqueViolation(SQLException e);

    /**
     * @param e an error from the driver
     * @return whether the transaction lost a race (serialization failure, deadlock, lock busy)
     *         and may be retried from the start
     */
    public abstract boolean isRetryable(SQLException e);

    /**
     * @param e an error from the driver
     * @return whether the database cannot be reached or is shutting down
     */
    public boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLTransientConnectionException
                || e instanceof java.sql.SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    /**
     * @param dialect the public name
     * @return its implementation
     */
    public static SqlDialect of(Dialect dialect) {
        return dialect == Dialect.POSTGRES ? new PostgresDialect() : new SqliteDialect();
    }

    /**
     * Helper for nullable doubles.
     *
     * @param rs     a result set on a row
     * @param column the column
     * @return the value or {@code null}
     * @throws SQLException if the driver fails
     */
    public static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
