package io.fleetgate.store.jdbc;

import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.StoreFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A fresh SQLite file per test, reached through the store's own pools. */
final class SqliteFixture implements StoreFixture {
    private final Path dir;
    private final Path file;
    private final JdbcStore store;
    private final List<JdbcStore> others = new ArrayList<>();

    SqliteFixture() {
        try {
            dir = Files.createTempDirectory("fleetgate-sqlite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        file = dir.resolve("fleetgate.db");
        store = JdbcStore.sqlite(file);
    }

    Path file() {
        return file;
    }

    @Override
    public JdbcStore store() {
        return store;
    }

    @Override
    public FleetgateStore secondInstance() {
        JdbcStore other = JdbcStore.sqlite(file);
        others.add(other);
        return other;
    }

    @Override
    public String snapshot() {
        return TableDump.dump(store.dataSource(), Dialect.SQLITE);
    }

    @Override
    public void close() {
        others.forEach(JdbcStore::close);
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
