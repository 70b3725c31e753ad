package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * SQLite: instants as integer microseconds since the epoch (ISO text would sort wrongly across
 * offsets and precisions), JSON as the canonical text itself, errors by extended result code.
 * SQLite has no row-level security: the library's own checks are the only access control, so
 * reads stay in auto-commit mode and nothing is bound to a transaction.
 */
public final class SqliteDialect extends SqlDialect {

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public void setInstant(PreparedStatement statement, int position, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(position, Types.BIGINT);
        } else {
            statement.setLong(position, toMicros(instant));
        }
    }

    @Override
    public Instant instant(ResultSet rs, int column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    @Override
    public void setJson(PreparedStatement statement, int position, String json) throws SQLException {
        statement.setString(position, json);
    }

    @Override
    public String json(ResultSet rs, int column) throws SQLException {
        return rs.getString(column);
    }

    /**
     * {@return microseconds since the epoch, truncating any finer part}
     *
     * @param instant an instant
     */
    public static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Also the append-only tables' insert triggers (V9), which refuse a row whose unique key is
     * taken before SQLite's own check could (so that {@code INSERT OR REPLACE} cannot replace it):
     * a trigger's abort whose message says {@code UNIQUE constraint failed}.
     */
    @Override
    public boolean isUniqueViolation(SQLException e) {
        if (!(e instanceof SQLiteException s)) {
            return false;
        }
        return s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_TRIGGER
                && String.valueOf(s.getMessage()).contains("(UNIQUE constraint failed)");
    }

    @Override
    public boolean isRetryable(SQLException e) {
        if (!(e instanceof SQLiteException s)) {
            return false;
        }
        int primary = s.getResultCode().code & 0xff;
        return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
    }
}
