package io.fleetgate.store.jdbc;

import io.fleetgate.store.jdbc.internal.SqlScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The undo scripts ({@code undo/<dialect>/U<n>__<name>.sql}): each reverses exactly its migration,
 * and the migration applies again on top of it, on each database (thin subclasses). "The same
 * schema" means an equal {@link SchemaCatalogue}.
 */
abstract class UndoContract {
    /** The migration files the store ships, in order. */
    static final List<String> FILES = List.of("V1__exclusive_sessions.sql", "V2__driver_execution.sql",
            "V3__credentials_and_sessions.sql", "V4__memberships_and_reviews.sql", "V5__row_level_security.sql",
            "V6__login_attempts.sql", "V7__event_ids_per_sender.sql", "V8__database_roles.sql", "V9__append_only_every_write_form.sql",
            "V10__workspace_member_function.sql", "V11__stops.sql", "V12__positions.sql",
            "V13__review_items_per_sender.sql", "V14__change_feed.sql", "V15__principal_inlined.sql",
            "V16__partitioned_event_log.sql", "V17__volume_indexes.sql",
            "V18__flat_sweep_and_queue.sql", "V19__due_sessions_index.sql");

    /** The versions of {@link #FILES}, in order (numbers are pre-assigned, so there may be gaps). */
    static final List<Integer> VERSIONS = FILES.stream().map(UndoContract::version).toList();

    /** {@return the migration files from version {@code n} on, in order: what is pending after undoing down to it} */
    static List<String> filesFrom(int n) {
        return FILES.subList(VERSIONS.indexOf(n), FILES.size());
    }

    /** {@return the versions after {@code n}, in order: what a plain migrate applies to a database at {@code n}} */
    static List<Integer> versionsAfter(int n) {
        return VERSIONS.subList(VERSIONS.indexOf(n) + 1, VERSIONS.size());
    }

    /** Undoes every applied version from the last down to {@code n}, as {@link #undo(EmptyDatabases.Db, int)} does each. */
    static void undoDownTo(EmptyDatabases.Db db, int n) {
        List<String> applied = db.store().migrationStatus().applied();
        for (int i = applied.size() - 1; i >= 0 && version(applied.get(i)) >= n; i--) {
            undo(db, version(applied.get(i)));
        }
    }

    /** {@return the version in a migration file's name, {@code V<version>__<name>.sql}} */
    static int version(String file) {
        return Integer.parseInt(file.substring(1, file.indexOf("__")));
    }

    private final EmptyDatabases databases = new EmptyDatabases(dialect());

    /** @return the dialect under test */
    protected abstract Dialect dialect();

    @AfterEach
    final void dropDatabases() {
        databases.close();
    }

    @Test
    void undoWhenAppliedFromTheLastDownToOneThenEachLeavesThePreviousVersionsSchemaAndRedoRestoresIt() {
        EmptyDatabases.Db db = databases.create();
        db.runner().migrate();
        assertThat(db.store().migrationStatus().applied()).isEqualTo(FILES);
        assertThat(db.catalogue()).contains("exclusive_sessions", "driver_events", "workspace_members");

        for (int i = FILES.size() - 1; i >= 0; i--) {
            int n = VERSIONS.get(i);
            int previous = i == 0 ? 0 : VERSIONS.get(i - 1);
            String atN = db.catalogue();
            EmptyDatabases.Db fresh = databases.create();
            fresh.runner().migrate(previous);
            String atPrevious = fresh.catalogue();

            undo(db, n);
            assertThat(db.catalogue()).as("the schema after U%d equals a fresh database's at version %d", n, previous)
                    .isEqualTo(atPrevious);
            assertThat(db.store().migrationStatus().pending()).as("pending after U%d", n)
                    .isEqualTo(FILES.subList(i, FILES.size()));

            assertThat(db.runner().migrate(n)).as("redo of V%d", n).containsExactly(n);
            assertThat(db.catalogue()).as("the schema after U%d and V%d again equals the one before", n, n)
                    .isEqualTo(atN);

            undo(db, n);
            assertThat(db.catalogue()).as("the schema after U%d applied a second time", n).isEqualTo(atPrevious);
        }
        assertThat(db.catalogue()).as("U1 leaves nothing but the history tables").isEmpty();
        assertThat(db.store().migrationStatus().applied()).isEmpty();
    }

    @Test
    void undoWhenFoldersListedThenOneUndoPerMigrationBesideThemAndNoneAmongThem() {
        String folder = dialect().name().toLowerCase(Locale.ROOT);
        // A listing sorts V10 before V1 (by name); the versions order FILES.
        assertThat(filesIn("/io/fleetgate/store/jdbc/migration/" + folder)).containsExactlyInAnyOrderElementsOf(FILES);
        assertThat(filesIn("/io/fleetgate/store/jdbc/undo/" + folder))
                .containsExactlyInAnyOrderElementsOf(FILES.stream().map(f -> "U" + f.substring(1)).toList());
        for (int i = 0; i < FILES.size(); i++) {
            int n = VERSIONS.get(i);
            assertThat(undoScript(dialect(), n)).as("U%d's header", n)
                    .startsWith("-- fleetgate U" + n + ": undoes " + FILES.get(i))
                    .contains("DELETE FROM fleetgate_schema_history WHERE version = " + n + ";");
        }
    }

    /**
     * @param folder a resource folder on the test class path (a directory there)
     * @return the names of the files in it, sorted
     */
    static List<String> filesIn(String folder) {
        try (Stream<Path> files = Files.list(Path.of(UndoContract.class.getResource(folder).toURI()))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Applies undo script {@code n} to {@code db} by hand, as an operator would: its statements and
     * the deletion of the version's row from our history table, in one transaction.
     */
    static void undo(EmptyDatabases.Db db, int n) {
        undo(db, n, "DELETE FROM fleetgate_schema_history WHERE version = ?", n);
    }

    /**
     * Applies undo script {@code n} to {@code db} by hand, with the deletion of the version's
     * history row ({@code historyDelete}, one parameter: {@code version}), in one transaction.
     */
    static void undo(EmptyDatabases.Db db, int n, String historyDelete, Object version) {
        try (Connection c = db.store().dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement(); PreparedStatement history = c.prepareStatement(historyDelete)) {
                for (String statement : SqlScript.split(undoScript(db.store().dialect(), n))) {
                    st.execute(statement);
                }
                history.setObject(1, version);
                assertThat(history.executeUpdate()).as("history rows of version %d deleted", n).isEqualTo(1);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("undo script " + n + " failed: " + e.getMessage(), e);
        }
    }

    private static String undoScript(Dialect dialect, int n) {
        String path = undoPath(dialect, n);
        try (InputStream in = UndoContract.class.getResourceAsStream(path)) {
            assertThat(in).as("undo script %s", path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String undoPath(Dialect dialect, int n) {
        String file = "U" + FILES.get(VERSIONS.indexOf(n)).substring(1);
        return "/io/fleetgate/store/jdbc/undo/" + dialect.name().toLowerCase(Locale.ROOT) + "/" + file;
    }
}
