package io.fleetgate.examples.http;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A SQLite database file in a test's temporary folder (which goes with the test). */
final class SqliteTestDatabase implements TestDatabase {
    private final Path file;

    /** @param file the database file, created on first use */
    SqliteTestDatabase(Path file) {
        this.file = file;
    }

    @Override
    public ServeOptions options() {
        return new ServeOptions(0, "jdbc:sqlite:" + file, null, null, null);
    }

    @Override
    public String dumpTables() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            List<String> tables = new ArrayList<>();
            try (var st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            return TestDatabase.dump(c, tables);
        }
    }

    @Override
    public void drop() {
        // the temporary folder goes with the test
    }
}
