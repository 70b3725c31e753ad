package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

import java.sql.DriverManager;
import java.util.List;

class SqliteAppendOnlyTest extends AppendOnlyContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }

    @Override
    protected List<Foreign> foreignConnections() {
        String url = "jdbc:sqlite:" + ((SqliteFixture) fixture()).file();
        return List.of(new Foreign("a plain connection to the file", () -> DriverManager.getConnection(url), null));
    }
}
