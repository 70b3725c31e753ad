package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

class SqliteMigrationTest extends MigrationContract {
    private final Path file;

    SqliteMigrationTest() {
        try {
            file = Files.createTempFile("fleetgate-migration-", ".db");
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected JdbcStore.Builder emptyDatabase() {
        return JdbcStore.builder().sqlite(file);
    }

    @Override
    protected HikariDataSource hostPool() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:sqlite:" + file);
        c.addDataSourceProperty("journal_mode", "WAL");
        c.addDataSourceProperty("busy_timeout", "5000");
        c.addDataSourceProperty("foreign_keys", "true");
        c.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        return new HikariDataSource(c);
    }

    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    protected boolean isUniqueViolation(SQLException e) {
        return e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
    }

    @Override
    protected void dropDatabase() {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            try {
                Files.deleteIfExists(Path.of(file + suffix));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
