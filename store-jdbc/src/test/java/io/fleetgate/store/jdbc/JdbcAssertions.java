package io.fleetgate.store.jdbc;

import io.fleetgate.store.jdbc.internal.SqlScript;
import io.fleetgate.store.jdbc.internal.SqliteDialect;
import io.fleetgate.testkit.StoreFixture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the JDBC store contracts do by hand on either database: run a raw statement, show that a
 * hand-made change to an append-only table is refused by its trigger, and run a migration file
 * again. Stateless.
 */
final class JdbcAssertions {
    private JdbcAssertions() {
    }

    /**
     * {@return the instant as an SQL literal of the dialect's column type: PostgreSQL a
     * {@code TIMESTAMPTZ}, SQLite integer microseconds since the epoch}
     *
     * @param dialect the database
     * @param at      the instant
     */
    static String literal(Dialect dialect, Instant at) {
        return dialect == Dialect.POSTGRES ? "TIMESTAMPTZ '" + at + "'" : String.valueOf(SqliteDialect.toMicros(at));
    }

    /** Runs a raw statement (on PostgreSQL as the system principal, which row-level security lets through). */
    static void execute(DataSource ds, String sql) throws SQLException {
        PostgresFixture.asSystem(ds, c -> {
            try (Statement st = c.createStatement()) {
                return st.execute(sql);
            }
        });
    }

    /**
     * Asserts that the statement fails because an append-only trigger refused it, not for any
     * other reason. On PostgreSQL three layers refuse it, each shown on its own
     * ({@link PostgresFixture#assertAppendOnly}): the runtime role has no UPDATE, DELETE or
     * TRUNCATE privilege (V8); for the owner, row-level security (V5) has no UPDATE or DELETE
     * policy on the append-only tables, so the statement matches no row; with the policies lifted
     * for the owner (in a transaction that is rolled back), the trigger refuses it, as it refuses
     * the owner's TRUNCATE.
     *
     * @param fixture the store's fixture
     * @param tables  the append-only tables the statement may touch
     * @param sql     an UPDATE, DELETE or TRUNCATE
     * @throws SQLException if something else fails
     */
    static void assertAppendOnlyRefuses(StoreFixture fixture, List<String> tables, String sql) throws SQLException {
        JdbcStore jdbc = (JdbcStore) fixture.store();
        if (jdbc.dialect() == Dialect.POSTGRES) {
            PostgresFixture.assertAppendOnly(fixture, tables, sql);
            return;
        }
        assertThatThrownBy(() -> execute(jdbc.dataSource(), sql)).as(sql).isInstanceOf(SQLException.class)
                .hasMessageContaining("is append-only");
    }

    /**
     * Runs one of the store's migration files again, statement by statement, as the schema's
     * owner (on SQLite the store's own connection).
     *
     * @param fixture the store's fixture
     * @param file    the file's name, e.g. {@code V2__driver_execution.sql}
     * @throws SQLException if a statement fails
     */
    static void rerunMigration(StoreFixture fixture, String file) throws SQLException {
        JdbcStore jdbc = (JdbcStore) fixture.store();
        String path = "/io/fleetgate/store/jdbc/migration/" + jdbc.dialect().name().toLowerCase(Locale.ROOT) + "/" + file;
        String text;
        try (InputStream in = JdbcAssertions.class.getResourceAsStream(path)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
        DataSource owner = jdbc.dialect() == Dialect.POSTGRES
                ? ((PostgresFixture) fixture).ownerDataSource() : jdbc.dataSource();
        for (String statement : SqlScript.split(text)) {
            execute(owner, statement);
        }
    }
}
