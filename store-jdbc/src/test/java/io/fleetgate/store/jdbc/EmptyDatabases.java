package io.fleetgate.store.jdbc;

import io.fleetgate.store.jdbc.internal.MigrationRunner;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * New, empty databases for one test, as many as it asks for: a fresh schema each on the test
 * PostgreSQL server ({@link PostgresFixture}), or a fresh file each in a temporary directory for
 * SQLite. Each comes with a store on it that did not migrate. {@link #close()} closes the stores
 * and drops every schema or file.
 */
final class EmptyDatabases implements AutoCloseable {
    private final Dialect dialect;
    private final List<String> schemas = new ArrayList<>();
    private final List<JdbcStore> stores = new ArrayList<>();
    private final Path dir;

    EmptyDatabases(Dialect dialect) {
        this.dialect = dialect;
        try {
            dir = dialect == Dialect.SQLITE ? Files.createTempDirectory("fleetgate-empty-") : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One empty database.
     *
     * @param url      its JDBC URL (on PostgreSQL, with {@code currentSchema} set to its schema)
     * @param user     the login (PostgreSQL), or {@code null}
     * @param password its password, or {@code null}
     * @param schema   its PostgreSQL schema, or {@code null} on SQLite
     * @param store    a store on it, built without migrating
     */
    record Db(String url, String user, String password, String schema, JdbcStore store) {
        /** @return our migration runner on this database */
        MigrationRunner runner() {
            return EmptyDatabases.runner(store);
        }

        /** @return its catalogue ({@link SchemaCatalogue}) */
        String catalogue() {
            return SchemaCatalogue.of(store.dataSource());
        }
    }

    /**
     * @param store a store
     * @return our migration runner on its database (it can stop at a version, unlike the store)
     */
    static MigrationRunner runner(JdbcStore store) {
        return new MigrationRunner(Jdbi.create(store.dataSource()), SqlDialect.of(store.dialect()), Clock.systemUTC());
    }

    /** @return a new empty database */
    Db create() {
        if (dialect == Dialect.POSTGRES) {
            String schema = "u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            PostgresFixture.execute("CREATE SCHEMA " + schema);
            schemas.add(schema);
            String base = PostgresFixture.url();
            String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            // Schema tests: the store connects as the owner, which migrates (and may read every catalogue).
            JdbcStore store = track(JdbcStore.builder().postgres(url, PostgresFixture.user(), PostgresFixture.password())
                    .allowPrivilegedRuntime(true).poolSize(2).migrate(false).build());
            return new Db(url, PostgresFixture.user(), PostgresFixture.password(), schema, store);
        }
        Path file = dir.resolve("db" + stores.size() + ".db");
        JdbcStore store = track(JdbcStore.builder().sqlite(file).poolSize(2).migrate(false).build());
        return new Db("jdbc:sqlite:" + file, null, null, null, store);
    }

    private JdbcStore track(JdbcStore store) {
        stores.add(store);
        return store;
    }

    @Override
    public void close() {
        stores.forEach(JdbcStore::close);
        schemas.forEach(s -> PostgresFixture.execute("DROP SCHEMA " + s + " CASCADE"));
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
