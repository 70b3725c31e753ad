package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;
import org.jdbi.v3.core.argument.Argument;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/** PostgreSQL: instants as {@code timestamptz}, errors by SQLSTATE. */
public final class PostgresDialect extends SqlDialect {
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03", "53300");

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public Argument instant(Instant instant) {
        if (instant == null) {
            return (position, statement, ctx) -> statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        OffsetDateTime value = instant.atOffset(ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    @Override
    public Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
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
