package io.fleetgate.store.jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The schema of a database as sorted text, one line per catalogue entry, so that two databases
 * built in different ways (our runner, Flyway, undo + redo) can be compared with one
 * {@code isEqualTo} whose failure shows a readable diff. Rows are not included ({@link TableDump}
 * renders those).
 *
 * <p>PostgreSQL, for the connection's {@code current_schema()} only: tables and sequences with
 * their row-level security flags, columns (type, nullability, default, identity, collation),
 * indexes ({@code pg_indexes.indexdef}), constraints ({@code pg_get_constraintdef}), triggers
 * ({@code pg_get_triggerdef}), functions ({@code pg_get_functiondef}) and policies
 * ({@code pg_policies}), and privileges on the schema, its relations and its functions. The
 * schema's name is removed from every definition (or, where it is named, as in a pinned
 * {@code search_path}, replaced by {@code <schema>}), so the same objects in two schemas render
 * the same.
 *
 * <p>SQLite: every {@code sqlite_master} entry (type, name, table, its SQL with whitespace runs
 * folded to one space), {@code pragma table_xinfo} of each table, {@code pragma index_xinfo} of
 * each index and {@code pragma foreign_key_list} of each table.
 *
 * <p>Both leave out the migration bookkeeping: our history and lock tables and Flyway's history
 * table, with everything on them.
 */
final class SchemaCatalogue {
    /** Bookkeeping tables, ours and Flyway's: not part of the schema the migrations describe. */
    static final Set<String> BOOKKEEPING = Set.of("fleetgate_schema_history", "fleetgate_schema_lock",
            "flyway_schema_history");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SchemaCatalogue() {
    }

    /**
     * @param ds a database (on PostgreSQL, its connections' current schema is the one read)
     * @return its catalogue, one sorted line per entry; empty when it holds nothing but bookkeeping
     */
    static String of(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return PostgresFixture.isPostgres(c) ? postgres(c) : sqlite(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the catalogue: " + e.getMessage(), e);
        }
    }

    private static String postgres(Connection c) throws SQLException {
        String schema = rows(c, "SELECT current_schema()").values().get(0).get(0);
        List<String> lines = new ArrayList<>();
        add(lines, "relation", rows(c, """
                SELECT c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"""));
        add(lines, "column", rows(c, """
                SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, coll.collname
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                LEFT JOIN pg_collation coll ON coll.oid = a.attcollation AND a.attcollation <> 0
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND a.attnum > 0 AND NOT a.attisdropped"""));
        add(lines, "index", rows(c, """
                SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"""));
        add(lines, "constraint", rows(c, """
                SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
                FROM pg_constraint k
                JOIN pg_class c ON c.oid = k.conrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema()"""));
        add(lines, "trigger", rows(c, """
                SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
                FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND NOT t.tgisinternal"""));
        add(lines, "function", rows(c, """
                SELECT '-', p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = current_schema()"""));
        add(lines, "policy", rows(c, """
                SELECT tablename, policyname, permissive, roles::text, cmd, qual, with_check
                FROM pg_policies WHERE schemaname = current_schema()"""));
        // Privileges (migration V8's grants to fleetgate_runtime, its REVOKEs from PUBLIC): on the
        // schema, its tables and sequences, and its functions, to roles other than the owner (whose
        // privileges are implicit); defaults (a NULL acl) spelt out, so that privileges granted and
        // revoked again read as never granted, and a function's EXECUTE for PUBLIC shows.
        add(lines, "privilege", rows(c, """
                SELECT '-', n.nspname, pg_get_userbyid(a.grantee), a.privilege_type
                FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
                WHERE n.nspname = current_schema() AND a.grantee <> n.nspowner
                UNION ALL
                SELECT c.relname, '-', pg_get_userbyid(a.grantee), a.privilege_type
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                     aclexplode(COALESCE(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND a.grantee <> c.relowner
                UNION ALL
                SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_userbyid(a.grantee), a.privilege_type
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
                     aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
                WHERE n.nspname = current_schema() AND a.grantee <> p.proowner"""));
        Pattern qualifier = Pattern.compile("\"?" + Pattern.quote(schema) + "\"?\\.");
        // V8 pins its functions' search_path to the schema by name: SET search_path TO 'pg_catalog', 'S', …
        Pattern named = Pattern.compile("'" + Pattern.quote(schema) + "'|\\b" + Pattern.quote(schema) + "\\b");
        return render(lines.stream().map(l -> named.matcher(qualifier.matcher(l).replaceAll("")).replaceAll("<schema>"))
                .toList());
    }

    private static String sqlite(Connection c) throws SQLException {
        List<String> lines = new ArrayList<>();
        Rows master = rows(c, "SELECT tbl_name, type, name, sql FROM sqlite_master");
        List<List<String>> normalised = new ArrayList<>();
        for (List<String> row : master.values()) {
            String sql = row.get(3) == null ? null : WHITESPACE.matcher(row.get(3)).replaceAll(" ").strip();
            normalised.add(List.of(row.get(0), row.get(1), row.get(2), String.valueOf(sql)));
        }
        add(lines, "master", new Rows(master.labels(), normalised));
        for (List<String> row : master.values()) {
            String table = row.get(0);
            String name = row.get(2);
            if ("table".equals(row.get(1))) {
                add(lines, "column", rows(c, "SELECT ? AS tbl_name, * FROM pragma_table_xinfo(?)", table, name));
                add(lines, "foreign_key", rows(c, "SELECT ? AS tbl_name, * FROM pragma_foreign_key_list(?)", table, name));
            } else if ("index".equals(row.get(1))) {
                add(lines, "index_column", rows(c, "SELECT ? AS tbl_name, ? AS index_name, * FROM pragma_index_xinfo(?)",
                        table, name, name));
            }
        }
        return render(lines);
    }

    /** Adds one line per row whose first column (the table) is not bookkeeping. */
    private static void add(List<String> lines, String kind, Rows rows) {
        for (List<String> row : rows.values()) {
            if (BOOKKEEPING.contains(row.get(0).toLowerCase(Locale.ROOT))) {
                continue;
            }
            StringBuilder line = new StringBuilder(kind);
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? " " : " | ").append(rows.labels().get(i)).append('=').append(row.get(i));
            }
            lines.add(line.toString());
        }
    }

    private static String render(List<String> lines) {
        List<String> sorted = new ArrayList<>(lines);
        sorted.sort(null);
        StringBuilder out = new StringBuilder();
        sorted.forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    private static Rows rows(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setString(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> labels = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    labels.add(md.getColumnLabel(i));
                }
                List<List<String>> values = new ArrayList<>();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    values.add(row);
                }
                return new Rows(labels, values);
            }
        }
    }

    /** A query's column labels and its rows' values as text ({@code null} for SQL NULL). */
    private record Rows(List<String> labels, List<List<String>> values) {
    }
}
