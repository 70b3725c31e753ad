package io.fleetgate.examples.http;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The HTTP contract on SQLite: a fresh database file per test in the test's temporary folder. */
class SqliteHttpApiTest extends HttpApiContract {

    private Path file() {
        return dir.resolve("http-test.db");
    }

    @Override
    ServeOptions database() {
        return new ServeOptions(0, "jdbc:sqlite:" + file(), null, null, null);
    }

    @Override
    String dumpTables() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file())) {
            List<String> tables = new ArrayList<>();
            try (var st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            return dump(c, tables);
        }
    }

    @Override
    void dropDatabase() {
        // the temporary folder goes with the test
    }
}
