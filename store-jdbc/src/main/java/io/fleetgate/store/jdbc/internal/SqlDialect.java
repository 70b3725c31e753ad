package io.fleetgate.store.jdbc.internal;

import io.fleetgate.Principal;
import io.fleetgate.store.jdbc.Dialect;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.argument.Argument;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Everything that differs between the databases, in one place: how instants and JSON are bound
 * and read ({@link Values} registers these on Jdbi), what an error means, and how a transaction learns whom it acts for. The SQL text
 * itself differs only where a file has a dialect override. Implementations are immutable (the
 * PostgreSQL one holds the context key it binds principals with) and thread-safe.
 */
public abstract sealed class SqlDialect permits PostgresDialect, SqliteDialect {

    /**
     * {@return the query, planned for its own parameters on every call where the database would
     * otherwise settle on one generic plan for all (PostgreSQL: an unnamed statement, never
     * server-prepared); unchanged elsewhere} For queries whose best plan depends on the values:
     * under row-level security a generic plan of the change feed's reads walks the primary key
     * and filters by workspace, a cost that grows with every other workspace's changes.
     *
     * @param query the query
     */
    public org.jdbi.v3.core.statement.Query plannedPerCall(org.jdbi.v3.core.statement.Query query) {
        return query;
    }

    /** {@return the public name of this dialect} */
    public abstract Dialect dialect();

    /** {@return the folder and file-suffix name: {@code postgres} or {@code sqlite}} */
    public final String folder() {
        return dialect().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * {@return a Jdbi argument binding it as this database stores instants}
     *
     * @param instant a UTC instant (microsecond precision), or {@code null}
     */
    public final Argument instant(Instant instant) {
        return (position, statement, ctx) -> setInstant(statement, position, instant);
    }

    /**
     * Binds an instant on a plain JDBC statement, as {@link #instant(Instant)} does through Jdbi.
     *
     * @param statement the statement
     * @param position  the 1-based parameter index
     * @param instant   a UTC instant (microsecond precision), or {@code null}
     * @throws SQLException if the driver fails
     */
    public abstract void setInstant(PreparedStatement statement, int position, Instant instant) throws SQLException;

    /**
     * {@return the instant stored there, or {@code null}}
     *
     * @param rs     a result set on a row
     * @param column the 1-based column index
     * @throws SQLException if the driver fails
     */
    public abstract Instant instant(ResultSet rs, int column) throws SQLException;

    /**
     * Binds JSON text on a plain JDBC statement.
     *
     * @param statement the statement
     * @param position  the 1-based parameter index
     * @param json      JSON text, or {@code null}
     * @throws SQLException if the driver fails
     */
    public abstract void setJson(PreparedStatement statement, int position, String json) throws SQLException;

    /**
     * {@return the value stored there in fleetgate's canonical encoding ({@code Json.write}), or {@code
     * null}: the same text on every database, whatever the database did to it}
     *
     * @param rs     a result set on a row
     * @param column the 1-based index of a JSON column
     * @throws SQLException if the driver fails
     */
    public abstract String json(ResultSet rs, int column) throws SQLException;

    /**
     * {@return whether it is a unique-constraint violation (and nothing else)}
     *
     * @param e an error from the driver
     */
    public abstract boolean isUniqueViolation(SQLException e);

    /**
     * {@return whether the transaction lost a race (serialization failure, deadlock, lock busy) and may be
     * retried from the start}
     *
     * @param e an error from the driver
     */
    public abstract boolean isRetryable(SQLException e);

    /**
     * {@return whether the database cannot be reached or is shutting down}
     *
     * @param e an error from the driver
     */
    public boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLTransientConnectionException
                || e instanceof java.sql.SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    /**
     * Whether every unit of work, reads included, must run in a transaction that begins with
     * {@link #bindPrincipal}. True where the database enforces access itself (PostgreSQL's
     * row-level security reads transaction-local settings, which an auto-committed statement
     * would lose at once); false where reads may stay in auto-commit mode.
     *
     * @return whether reads run in a transaction
     */
    public boolean readsInTransaction() {
        return false;
    }

    /**
     * Takes, for the rest of the transaction, an exclusive lock on each key that every instance
     * sharing the database respects ({@link Tx#exclusively}). Does nothing where a write
     * transaction already excludes every other writer (SQLite's IMMEDIATE transactions).
     *
     * @param handle a handle inside a transaction
     * @param keys   the keys, sorted, so that two callers cannot take them in opposite orders
     */
    public void lockKeys(Handle handle, java.util.List<String> keys) {
    }

    /**
     * The first statements of an exclusive section: {@link #bindPrincipal}, then {@link #lockKeys};
     * a dialect may do both in fewer round trips.
     *
     * @param handle    a handle inside a transaction that has run nothing yet
     * @param principal the acting principal
     * @param keys      the keys, sorted
     */
    public void bindAndLock(Handle handle, Principal principal, java.util.List<String> keys) {
        bindPrincipal(handle, principal);
        lockKeys(handle, keys);
    }

    /**
     * Tells the database, as the first statement of a transaction, which principal the
     * transaction acts for. Does nothing on a database without row-level security.
     *
     * @param handle    a handle inside a transaction that has run nothing yet
     * @param principal the acting principal
     */
    public void bindPrincipal(Handle handle, Principal principal) {
    }

    /**
     * {@return its implementation; on PostgreSQL one that can read and bind values but not bind a
     * principal (that needs the context key: {@link PostgresDialect#PostgresDialect(java.util.function.Supplier,
     * java.time.Clock)})}
     *
     * @param dialect the public name
     */
    public static SqlDialect of(Dialect dialect) {
        return dialect == Dialect.POSTGRES ? new PostgresDialect() : new SqliteDialect();
    }
}
