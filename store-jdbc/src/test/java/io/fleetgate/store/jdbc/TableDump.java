package io.fleetgate.store.jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders every row of every table of a database as text, for "nothing changed" assertions. On
 * PostgreSQL it reads as the system principal, which row-level security lets see every row.
 */
final class TableDump {
    private TableDump() {
    }

    static String dump(DataSource ds, Dialect dialect) {
        String tablesSql = dialect == Dialect.POSTGRES
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";
        try {
            return PostgresFixture.asSystem(ds, c -> dump(c, tablesSql));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot dump the database", e);
        }
    }

    private static String dump(Connection c, String tablesSql) throws SQLException {
        try (Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(tablesSql)) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            StringBuilder out = new StringBuilder();
            for (String table : tables) {
                out.append("== ").append(table).append('\n');
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(" | ");
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                rows.forEach(r -> out.append(r).append('\n'));
            }
            return out.toString();
        }
    }
}
