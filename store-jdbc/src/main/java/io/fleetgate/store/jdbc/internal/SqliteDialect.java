package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;
import org.jdbi.v3.core.argument.Argument;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * SQLite: instants as integer microseconds since the epoch (ISO text would sort wrongly across
 * offsets and precisions), errors by extended result code.
 */
public final class SqliteDialect extends SqlDialect {

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public Argument instant(Instant instant) {
        if (instant == null) {
            return (position, statement, ctx) -> statement.setNull(position, Types.BIGINT);
        }
        long micros = toMicros(instant);
        return (position, statement, ctx) -> statement.setLong(position, micros);
    }

    @Override
    public Instant instant(ResultSet rs, String column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /**
     * @param instant an instant
     * @return microseconds since the epoch, truncating any finer part
     */
    public static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
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
