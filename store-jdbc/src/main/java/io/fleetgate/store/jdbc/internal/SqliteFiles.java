package io.fleetgate.store.jdbc.internal;

import io.fleetgate.internal.LogValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The SQLite file of a store that opens its own pool: created readable and writable by its owner
 * only, before SQLite opens it.
 *
 * <p>SQLite has no users or privileges: whoever can read the file reads every driver's events
 * and credentials' hashes, and whoever can write it can drop the append-only triggers. SQLite
 * gives the {@code -wal} and {@code -shm} files it creates the main file's mode, so a main file
 * made {@code 0600} here keeps all three private, whatever the process's umask. A file that
 * already exists keeps its mode (the host chose it); if its group or others may read or write it
 * (or its {@code -wal} / {@code -shm}), a warning says so at every start. On a file system without
 * POSIX permissions the file is left to SQLite and a warning says the mode could not be set.
 * Stateless and thread-safe.
 */
public final class SqliteFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteFiles.class);

    /** Owner read and write, nothing else: {@code 0600}. */
    public static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SqliteFiles() {
    }

    /**
     * Creates the database file with mode {@code 0600} if it does not exist, or warns if an
     * existing one (or its {@code -wal} / {@code -shm}) is open to its group or others.
     *
     * @param file the database file
     * @throws IllegalStateException if the file cannot be created or its mode read
     */
    public static void prepare(Path file) {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return; // SQLite reports the missing folder when it opens the file
        }
        boolean posix;
        try {
            posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the file system of " + dir + ": " + e.getMessage(), e);
        }
        if (!posix) {
            LOG.atWarn().setMessage("sqlite_file_mode_not_set").addKeyValue("file", LogValues.text(absolute.toString()))
                    .addKeyValue("reason", "the file system has no POSIX permissions; protect the file by other means")
                    .log();
            return;
        }
        try {
            Files.createFile(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            LOG.atInfo().setMessage("sqlite_file_created").addKeyValue("file", LogValues.text(absolute.toString()))
                    .addKeyValue("mode", "rw-------").log();
            return;
        } catch (FileAlreadyExistsException exists) {
            // The host's file (or another instance created it a moment ago): its mode is left alone.
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the SQLite file " + absolute + ": " + e.getMessage(), e);
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path p = Path.of(absolute + suffix);
            Set<PosixFilePermission> mode;
            try {
                mode = Files.getPosixFilePermissions(p);
            } catch (NoSuchFileException gone) {
                continue;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the mode of " + p + ": " + e.getMessage(), e);
            }
            if (mode.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                LOG.atWarn().setMessage("sqlite_file_open_to_others").addKeyValue("file", LogValues.text(p.toString()))
                        .addKeyValue("mode", PosixFilePermissions.toString(mode))
                        .addKeyValue("advice", "chmod 600 the database file and its -wal and -shm").log();
            }
        }
    }

}
