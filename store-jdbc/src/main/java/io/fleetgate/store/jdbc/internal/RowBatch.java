package io.fleetgate.store.jdbc.internal;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One statement run as a plain JDBC batch over many rows, for the store's hot write paths.
 *
 * <p>The SQL keeps its {@code :name} parameters (it is read from the same {@code .sql} files as
 * every other statement); they are turned into positions once, here, and each is bound from the
 * row object by the {@link Binder} given for its name ({@link Values#column}, {@link Values#json}:
 * bound as the same values are bound through Jdbi). A parameter without a binder, or a binder
 * without a parameter, fails at construction. This skips Jdbi's per-row binding machinery, which
 * costs about as much as SQLite's own work for a 21-column insert. Immutable and thread-safe.
 *
 * @param <T> the row type
 */
public final class RowBatch<T> {
    private final String sql;
    private final List<Binder<T>> binders;

    /**
     * Binds one parameter from a row.
     *
     * @param <T> the row type
     */
    @FunctionalInterface
    public interface Binder<T> {
        /**
         * Binds one parameter of one row.
         *
         * @param statement the statement
         * @param position  the 1-based parameter index
         * @param row       the row
         * @throws SQLException if the driver fails
         */
        void bind(PreparedStatement statement, int position, T row) throws SQLException;
    }

    /**
     * Prepares the batch of a statement with named parameters.
     *
     * @param namedSql SQL with {@code :name} parameters (no {@code ?} placeholders)
     * @param byName   a binder for each parameter name
     * @throws IllegalStateException if the names and binders do not match one to one
     */
    public RowBatch(String namedSql, Map<String, Binder<T>> byName) {
        List<String> names = new ArrayList<>();
        this.sql = positional(namedSql, names);
        List<Binder<T>> ordered = new ArrayList<>(names.size());
        for (String name : names) {
            Binder<T> b = byName.get(name);
            if (b == null) {
                throw new IllegalStateException("no binder for parameter :" + name + " of\n" + namedSql);
            }
            ordered.add(b);
        }
        Set<String> unused = new LinkedHashSet<>(byName.keySet());
        names.forEach(unused::remove);
        if (!unused.isEmpty()) {
            throw new IllegalStateException("binders for parameters the SQL does not have: " + unused + "\n" + namedSql);
        }
        this.binders = List.copyOf(ordered);
    }

    /**
     * Runs the statement once per row, as one JDBC batch, on the handle's connection (inside its
     * transaction, if any).
     *
     * @param h    the handle
     * @param rows the rows, at least one
     * @return the driver's row count per row (possibly {@link java.sql.Statement#SUCCESS_NO_INFO})
     * @throws UnableToExecuteStatementException wrapping the driver's {@link SQLException}
     */
    public int[] execute(Handle h, List<T> rows) {
        try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
            for (T row : rows) {
                for (int i = 0; i < binders.size(); i++) {
                    binders.get(i).bind(ps, i + 1, row);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("batch of " + rows.size() + " failed: " + e.getMessage()
                    + "\n" + sql, e, null);
        }
    }

    /**
     * Replaces {@code :name} parameters by {@code ?}, leaving quoted text, {@code --} comments and
     * PostgreSQL {@code ::} casts alone.
     *
     * @param sql   named SQL
     * @param names receives the parameter names in order
     * @return positional SQL
     */
    public static String positional(String sql, List<String> names) {
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (sql.charAt(end) == c) {
                        if (end + 1 < n && sql.charAt(end + 1) == c) {
                            end += 2; // a doubled quote inside the quoted text
                            continue;
                        }
                        end++;
                        break;
                    }
                    end++;
                }
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && (Character.isLetter(sql.charAt(i + 1)) || sql.charAt(i + 1) == '_')) {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                names.add(sql.substring(i + 1, end));
                out.append('?');
                i = end;
            } else if (c == '?') {
                throw new IllegalStateException("positional ? in named SQL:\n" + sql);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
