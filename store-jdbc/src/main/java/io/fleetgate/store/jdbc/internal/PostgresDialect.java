package io.fleetgate.store.jdbc.internal;

import io.fleetgate.internal.Json;
import io.fleetgate.store.jdbc.Dialect;

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
 */
public final class PostgresDialect extends SqlDialect {
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03", "53300");

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
