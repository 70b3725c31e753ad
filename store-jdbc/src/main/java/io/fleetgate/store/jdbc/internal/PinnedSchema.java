package io.fleetgate.store.jdbc.internal;

import io.fleetgate.store.jdbc.Dialect;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The schema of a store's own pools behind a transaction pooler ({@code Pooler.TRANSACTION}): the
 * URL's {@code currentSchema} is taken out of the URL (pgjdbc would send it as the startup parameter
 * {@code search_path}, which PgBouncer refuses or drops) and set instead with
 * {@code set_config('search_path', …, true)} as the first statement of every transaction, so it
 * never outlives the transaction on the pooled server connection. A statement run in auto-commit
 * mode runs in a transaction of its own that sets it first (its result set is read whole, as
 * pgjdbc does in auto-commit mode, before that transaction commits). Stateless and thread-safe;
 * each connection it hands out is used by one thread at a time, as JDBC connections are.
 */
public final class PinnedSchema {
    private static final String PIN = SqlFiles.statement(SqlDialect.of(Dialect.POSTGRES), "context/pin_schema");
    private static final Set<String> EXECUTE = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch");

    private PinnedSchema() {
    }

    /**
     * A JDBC URL's query parameters, parsed.
     *
     * @param base       the URL up to its {@code ?}
     * @param parameters its parameters in order, decoded (a repeated one: the last wins, as in pgjdbc)
     */
    public record Url(String base, Map<String, String> parameters) {
        /**
         * {@return the URL parsed}
         *
         * @param url a {@code jdbc:postgresql:} URL
         */
        public static Url parse(String url) {
            int q = url.indexOf('?');
            Map<String, String> parameters = new LinkedHashMap<>();
            if (q >= 0) {
                for (String pair : url.substring(q + 1).split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    parameters.remove(name);
                    parameters.put(name, value);
                }
            }
            return new Url(q < 0 ? url : url.substring(0, q), parameters);
        }

        /**
         * {@return the URL again, without {@code name}}
         *
         * @param name a parameter
         */
        public String without(String name) {
            List<String> kept = new ArrayList<>();
            parameters.forEach((k, v) -> {
                if (!k.equals(name)) {
                    kept.add(encode(k) + "=" + encode(v));
                }
            });
            return kept.isEmpty() ? base : base + "?" + String.join("&", kept);
        }

        private static String encode(String s) {
            return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    /**
     * {@return connections of {@code pool} whose every transaction begins by setting
     * {@code search_path} to {@code searchPath}, locally}
     *
     * @param pool       the store's own pool, on a URL without {@code currentSchema}
     * @param searchPath the URL's {@code currentSchema}
     */
    public static DataSource wrap(DataSource pool, String searchPath) {
        return new PinnedDataSource(pool, searchPath);
    }

    private record PinnedDataSource(DataSource pool, String searchPath) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return pinned(pool.getConnection(), searchPath);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return pinned(pool.getConnection(username, password), searchPath);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || pool.isWrapperFor(iface);
        }
    }

    private static Connection pinned(Connection real, String searchPath) throws SQLException {
        PinningConnection handler = new PinningConnection(real, searchPath, real.getAutoCommit());
        return (Connection) Proxy.newProxyInstance(PinnedSchema.class.getClassLoader(),
                new Class<?>[]{Connection.class}, handler);
    }

    /** One borrowed connection: whether it is in auto-commit mode, and whether its transaction is pinned. */
    private static final class PinningConnection implements InvocationHandler {
        private final Connection real;
        private final String searchPath;
        private boolean autoCommit;
        private boolean pinned;

        PinningConnection(Connection real, String searchPath, boolean autoCommit) {
            this.real = real;
            this.searchPath = searchPath;
            this.autoCommit = autoCommit;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "setAutoCommit" -> {
                    Object result = call(real, method, args);
                    autoCommit = (Boolean) args[0];
                    if (autoCommit) {
                        pinned = false;
                    }
                    return result;
                }
                case "commit", "close" -> {
                    pinned = false;
                    return call(real, method, args);
                }
                case "rollback" -> {
                    if (args == null || args.length == 0) {
                        pinned = false;
                    }
                    return call(real, method, args);
                }
                case "setSavepoint" -> {
                    pinIfInTransaction();
                    return call(real, method, args);
                }
                case "createStatement", "prepareStatement", "prepareCall" -> {
                    if (!autoCommit) {
                        pinIfInTransaction();
                        return call(real, method, args);
                    }
                    Statement statement = (Statement) call(real, method, args);
                    Class<?> type = name.equals("createStatement") ? Statement.class
                            : name.equals("prepareStatement") ? PreparedStatement.class : CallableStatement.class;
                    return Proxy.newProxyInstance(PinnedSchema.class.getClassLoader(), new Class<?>[]{type},
                            (p, m, a) -> EXECUTE.contains(m.getName()) ? inOwnTransaction(m, statement, a)
                                    : call(statement, m, a));
                }
                case "unwrap" -> {
                    Class<?> iface = (Class<?>) args[0];
                    return iface.isInstance(proxy) ? proxy : real.unwrap(iface);
                }
                case "isWrapperFor" -> {
                    Class<?> iface = (Class<?>) args[0];
                    return iface.isInstance(proxy) || real.isWrapperFor(iface);
                }
                default -> {
                    return call(real, method, args);
                }
            }
        }

        private void pinIfInTransaction() throws SQLException {
            if (!autoCommit && !pinned) {
                try (PreparedStatement st = real.prepareStatement(PIN)) {
                    st.setString(1, searchPath);
                    st.executeQuery().close();
                }
                pinned = true;
            }
        }

        /** An auto-commit statement: in a transaction of its own that pins the schema first. */
        private Object inOwnTransaction(Method method, Statement statement, Object[] args) throws Throwable {
            real.setAutoCommit(false);
            autoCommit = false;
            try {
                pinIfInTransaction();
                Object result = call(statement, method, args);
                real.commit();
                return result;
            } catch (Throwable failed) {
                try {
                    real.rollback();
                } catch (SQLException rollbackFailed) {
                    // the connection is gone: failed says why
                    failed.addSuppressed(rollbackFailed);
                }
                throw failed;
            } finally {
                pinned = false;
                real.setAutoCommit(true);
                autoCommit = true;
            }
        }

        private static Object call(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
