package io.fleetgate.store.jdbc;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A host that already runs Flyway can adopt the shipped migration files instead of our runner:
 * Flyway (test scope only) applies them and builds the very schema our runner builds, and adopts a
 * database our runner already built with a baseline. On each database (thin subclasses).
 */
abstract class FlywayContract {
    private final EmptyDatabases databases = new EmptyDatabases(dialect());

    /** @return the dialect under test */
    protected abstract Dialect dialect();

    @AfterEach
    final void dropDatabases() {
        databases.close();
    }

    @Test
    void migrateWhenFlywayAppliesShippedFilesThenAllAppliedAndSchemaEqualsOurRunners() {
        EmptyDatabases.Db ours = databases.create();
        ours.runner().migrate();
        EmptyDatabases.Db theirs = databases.create();
        Flyway flyway = flyway(theirs).load();

        MigrateResult result = flyway.migrate();

        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(UndoContract.FILES.size());
        MigrationInfo[] all = flyway.info().all();
        assertThat(Arrays.stream(all).map(MigrationInfo::getScript).toList())
                .as("what Flyway found: the migrations and no undo script").isEqualTo(UndoContract.FILES);
        assertThat(Arrays.stream(all).map(i -> i.getVersion().getVersion()).toList())
                .containsExactly("1", "2", "3", "4", "5", "8");
        assertThat(all).allSatisfy(i -> assertThat(i.getState()).isEqualTo(MigrationState.SUCCESS));
        assertThat(flyway.info().pending()).isEmpty();
        String catalogue = ours.catalogue();
        assertThat(catalogue).contains("exclusive_sessions", "driver_events", "event_reviews");
        assertThat(theirs.catalogue()).isEqualTo(catalogue);
    }

    @Test
    void migrateWhenOurRunnerBuiltTheDatabaseThenFlywayRefusesUnlessBaselinedAtTheLastAndThenRunsNothing() {
        EmptyDatabases.Db db = databases.create();
        db.runner().migrate();
        String before = db.catalogue();
        assertThatThrownBy(() -> flyway(db).load().migrate())
                .as("without a baseline Flyway refuses a schema it did not build")
                .isInstanceOf(FlywayException.class).hasMessageContaining("non-empty");
        Flyway flyway = flyway(db).baselineOnMigrate(true).baselineVersion("8").load();

        MigrateResult result = flyway.migrate();

        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isZero();
        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("8");
        assertThat(flyway.info().current().getType().isBaseline()).isTrue();
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(db.catalogue()).isEqualTo(before);
        assertThat(db.store().migrationStatus().pending()).isEmpty();
    }

    @Test
    void undoWhenAppliedByHandWithFlywaysHistoryRowThenFlywayAppliesTheMigrationsAgain() {
        EmptyDatabases.Db db = databases.create();
        Flyway flyway = flyway(db).load();
        flyway.migrate();
        String atLast = db.catalogue();

        UndoContract.undo(db, 8, "DELETE FROM flyway_schema_history WHERE version = ?", "8");
        UndoContract.undo(db, 5, "DELETE FROM flyway_schema_history WHERE version = ?", "5");
        UndoContract.undo(db, 4, "DELETE FROM flyway_schema_history WHERE version = ?", "4");

        assertThat(Arrays.stream(flyway.info().pending()).map(MigrationInfo::getScript).toList())
                .containsExactly("V4__memberships_and_reviews.sql", "V5__row_level_security.sql",
                        "V8__database_roles.sql");
        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(3);
        assertThat(db.catalogue()).isEqualTo(atLast);
    }

    /** Flyway on {@code db}, at the shipped files of its dialect, checking their names. */
    private FluentConfiguration flyway(EmptyDatabases.Db db) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(db.url(), db.user(), db.password())
                .locations("classpath:io/fleetgate/store/jdbc/migration/" + dialect().name().toLowerCase(Locale.ROOT))
                .validateMigrationNaming(true);
        return db.schema() == null ? config : config.schemas(db.schema()).defaultSchema(db.schema());
    }
}
