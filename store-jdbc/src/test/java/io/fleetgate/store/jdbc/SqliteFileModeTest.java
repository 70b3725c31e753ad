package io.fleetgate.store.jdbc;

import io.fleetgate.access.Workspace;
import io.fleetgate.store.jdbc.internal.SqliteFiles;
import io.fleetgate.testkit.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQLite file a store creates, and the {@code -wal} and {@code -shm} files SQLite makes beside
 * it, are readable and writable by their owner only, whatever the process's umask; an existing
 * file's mode is left alone, with a warning when its group or others may read or write it.
 */
class SqliteFileModeTest {
    private final Path dir;

    SqliteFileModeTest() throws IOException {
        dir = Files.createTempDirectory("fleetgate-mode-");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void sqliteWhenFileMissingThenItAndItsWalAndShmAreOwnerOnly() throws IOException {
        assertThat(Files.getFileStore(dir).supportsFileAttributeView("posix"))
                .as("this test needs a file system with POSIX permissions").isTrue();
        Path file = dir.resolve("fleetgate.db");

        try (JdbcStore store = JdbcStore.sqlite(file)) {
            store.workspaces().upsertWorkspace(new Workspace("ws_1", "Depot North"));

            for (String suffix : List.of("", "-wal", "-shm")) {
                Path p = Path.of(file + suffix);
                assertThat(p).as("%s while the store is open", p.getFileName()).exists();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                        .as("mode of %s", p.getFileName()).isEqualTo("rw-------");
            }
        }
        assertThat(warnings(file)).isEmpty();
    }

    @Test
    void sqliteWhenExistingFileOpenToOthersThenModeKeptAndWarned() throws IOException {
        Path file = dir.resolve("shared.db");
        Files.createFile(file);
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(file, shared);

        try (JdbcStore store = JdbcStore.sqlite(file)) {
            store.workspaces().upsertWorkspace(new Workspace("ws_1", "Depot North"));
        }

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(shared);
        assertThat(warnings(file)).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo(Level.WARN);
            assertThat(e.fields()).containsEntry("mode", "rw-r--r--");
        });
    }

    @Test
    void sqliteWhenExistingFileOwnerOnlyThenNoWarning() throws IOException {
        Path file = dir.resolve("private.db");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(SqliteFiles.OWNER_ONLY));

        try (JdbcStore store = JdbcStore.sqlite(file)) {
            store.workspaces().upsertWorkspace(new Workspace("ws_1", "Depot North"));
        }

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(SqliteFiles.OWNER_ONLY);
        assertThat(warnings(file)).isEmpty();
    }

    private static List<CapturedLogs.Event> warnings(Path file) {
        return CapturedLogs.named("sqlite_file_open_to_others",
                e -> file.toAbsolutePath().toString().equals(e.fields().get("file")));
    }
}
