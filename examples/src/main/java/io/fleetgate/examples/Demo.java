package io.fleetgate.examples;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateListener;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;

import io.fleetgate.store.jdbc.JdbcStore;
import org.slf4j.event.Level;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The {@code demo} subcommand: a scripted scenario on embedded SQLite that prints what happens,
 * one line per step, with the library's own outcome code beside a human sentence.
 *
 * <p>The database is a temporary file, deleted at the end; the clock is a {@link DemoClock}
 * starting at {@link #START}, so the story can jump past an expiry and prints the same times on
 * every run. The story is a list of {@link Chapter}s told in order on one store and clock (see
 * {@link #chapters}).
 *
 * <p>While it runs, the demo raises the {@link JsonLines} threshold to WARN (and restores it
 * afterwards) so fleetgate's INFO events do not interleave with the story on the terminal.
 *
 * <p>Stateless and thread-safe; each run has its own database and clock.
 */
public final class Demo {
    /** The instant the demo's clock shows when the story begins. */
    public static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private Demo() {
    }

    /**
     * Runs the whole demo.
     *
     * @param out where the story is printed
     * @throws UncheckedIOException if the temporary database file cannot be created or deleted
     */
    public static void run(PrintStream out) {
        Level previous = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        Path file = createDatabaseFile();
        try {
            tell(file, out);
        } finally {
            deleteDatabase(file);
            JsonLines.setLevel(previous);
        }
    }

    /**
     * The story, in order. Adding a chapter is one line here.
     *
     * @param stage what the chapters share
     * @return the chapters, built on the stage
     */
    static List<Chapter> chapters(Stage stage) {
        return List.of(
                new ExclusiveSessionsChapter(stage),
                new RouteChapter(stage));
    }

    private static void tell(Path file, PrintStream out) {
        try (JdbcStore store = JdbcStore.sqlite(file)) {
            Narrator narrator = new Narrator(out);
            DemoClock clock = new DemoClock(START);
            Heard heard = new Heard();
            Stage stage = new Stage(Fleetgate.builder().store(store).clock(clock).listener(heard).build(), clock,
                    narrator);
            boolean first = true;
            for (Chapter chapter : chapters(stage)) {
                if (!first) {
                    narrator.blank();
                }
                first = false;
                narrator.heading("fleetgate demo — " + chapter.title() + " (SQLite: " + file + ")");
                chapter.tell();
            }
            narrator.blank();
            narrator.heading("What the host's listener heard (one call per committed change, none for refusals"
                    + " and resends): exclusive sessions " + heard.sessions + ", batches " + heard.batches + " ("
                    + heard.events + " events recorded), quarantined events " + heard.quarantined);
        }
    }

    /** Counts what the library tells the host: the listener a host would feed its metrics from. */
    private static final class Heard implements FleetgateListener {
        int sessions;
        int batches;
        int events;
        int quarantined;

        @Override
        public void exclusiveSessionChanged(ExclusiveSession session) {
            sessions++;
        }

        @Override
        public void batchChanged(Batch batch, List<DriverEvent> recorded) {
            batches++;
            events += recorded.size();
        }

        @Override
        public void quarantined(List<QuarantinedEvent> refused) {
            quarantined += refused.size();
        }
    }

    private static Path createDatabaseFile() {
        try {
            return Files.createTempFile("fleetgate-demo-", ".db");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo's database file", e);
        }
    }

    /** Deletes the database and the files SQLite keeps beside it in WAL mode. */
    private static void deleteDatabase(Path file) {
        try {
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the demo's database " + file, e);
        }
    }
}
