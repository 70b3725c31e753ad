package io.fleetgate.store.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the SQL the store runs from {@code .sql} resources beside this code. A statement lives in
 * {@code sql/<group>/<name>.sql}; where the dialects disagree, {@code <name>.<dialect>.sql} in the
 * same folder overrides it. Files are read once, when a repository is built, so a missing file
 * fails at start-up rather than on first use. Stateless and thread-safe.
 */
public final class SqlFiles {
    private static final String ROOT = "/io/fleetgate/store/jdbc/";

    private SqlFiles() {
    }

    /**
     * {@return the statement text}
     *
     * @param dialect the database
     * @param name    {@code group/name}, e.g. {@code exclusive/insert}
     * @throws IllegalStateException if neither the override nor the shared file exists
     */
    public static String statement(SqlDialect dialect, String name) {
        String override = read(ROOT + "sql/" + name + "." + dialect.folder() + ".sql");
        if (override != null) {
            return withoutComments(override);
        }
        String shared = read(ROOT + "sql/" + name + ".sql");
        if (shared == null) {
            throw new IllegalStateException("missing SQL resource sql/" + name + ".sql");
        }
        return withoutComments(shared);
    }

    /** Drops whole-line {@code --} comments so that words like {@code :name} in them are not parameters. */
    private static String withoutComments(String sql) {
        return sql.lines().filter(l -> !l.strip().startsWith("--"))
                .collect(java.util.stream.Collectors.joining("\n")).strip();
    }

    /**
     * {@return its UTF-8 text, or {@code null} if there is no such resource}
     *
     * @param path an absolute resource path
     */
    public static String read(String path) {
        try (InputStream in = SqlFiles.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
