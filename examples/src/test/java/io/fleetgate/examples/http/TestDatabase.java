package io.fleetgate.examples.http;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fresh, empty database of one kind for one test of an end-to-end suite: its {@code serve}
 * options, a text dump of every row for "nothing changed" assertions, and dropping it afterwards.
 * Implemented by {@link SqliteTestDatabase} and {@link PostgresTestDatabase}, so every suite runs on
 * both with one thin subclass each. Not thread-safe; one per test.
 */
interface TestDatabase {

    /**
     * @return options for this database (port 0, no fixtures); the same database each time
     */
    ServeOptions options();

    /**
     * @return every row of every table, as text, in a stable order
     * @throws SQLException if the database cannot be read
     */
    String dumpTables() throws SQLException;

    /** Drops the database, if it needs dropping. */
    void drop();

    /**
     * Rows of the given tables, sorted, one line each, under a line naming the table. The
     * migration lock table is left out: starting a store takes the lock (and stamps it) whether or
     * not anything else happens.
     *
     * @param c      a connection
     * @param tables the tables
     * @return the dump
     * @throws SQLException if a table cannot be read
     */
    static String dump(Connection c, List<String> tables) throws SQLException {
        StringBuilder out = new StringBuilder();
        Set<String> seen = new HashSet<>();
        for (String table : tables.stream().sorted().toList()) {
            if (!seen.add(table) || table.endsWith("schema_lock")) {
                continue;
            }
            List<String> rows = new ArrayList<>();
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT * FROM " + table)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                    }
                    rows.add(row.toString());
                }
            }
            rows.sort(null);
            out.append(table).append('\n');
            rows.forEach(r -> out.append("  ").append(r).append('\n'));
        }
        return out.toString();
    }
}
