package io.fleetgate.store.jdbc;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.contract.SupervisorStoreContract;
import io.fleetgate.store.jdbc.internal.SqlScript;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

import static io.fleetgate.contract.ExecutionStoreContract.WS;
import static io.fleetgate.store.jdbc.JdbcExecutionStoreContract.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SupervisorStoreContract} on {@link JdbcStore}, plus what only a database can show: text
 * with quotes and SQL read back verbatim by a raw query, its append-only trigger refusing a
 * hand-made change to a review record, and the migration file applied again changing nothing. On
 * each database by a thin subclass.
 */
abstract class JdbcSupervisorStoreContract extends SupervisorStoreContract {

    private JdbcStore jdbc() {
        return (JdbcStore) store();
    }

    @Test
    void insertReviewWhenValuesHoldQuotesAndUnicodeThenStoredVerbatim() throws Exception {
        seedQueue();
        String note = "it's \"fine\" — ✓ 🚚; DROP TABLE event_reviews; --\nline two";

        assertThat(repo.reviews().insertReview(review(WS, "qz", true, note))).isTrue();

        assertThat(MigrationContract.query(jdbc().dataSource(), "SELECT note FROM event_reviews WHERE item_id = 'qz'"))
                .isEqualTo(note);
        assertThat(MigrationContract.query(jdbc().dataSource(),
                "SELECT COUNT(*) FROM event_reviews WHERE quarantined")).isEqualTo("1");
    }

    // --- append-only ------------------------------------------------------------------------

    @Test
    void databaseWhenReviewRecordsChangedByHandThenRefused() throws Exception {
        seedQueue();
        repo.reviews().insertReview(review(WS, "ev_a", false, "looked at it"));
        DataSource ds = jdbc().dataSource();
        String before = fixture().snapshot();

        assertRefused(ds, "UPDATE event_reviews SET note = 'tampered'");
        assertRefused(ds, "UPDATE event_reviews SET reviewer_id = 's_other' WHERE item_id = 'ev_a'");
        assertRefused(ds, "DELETE FROM event_reviews WHERE item_id = 'ev_a'");
        assertRefused(ds, "DELETE FROM event_reviews");
        if (jdbc().dialect() == Dialect.POSTGRES) {
            assertRefused(ds, "TRUNCATE event_reviews");
            assertRefused(ds, "TRUNCATE event_reviews CASCADE");
        }
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void migrationWhenMembershipsAndReviewsFileRunAgainThenNothingFailsOrChanges() throws Exception {
        seedQueue();
        repo.reviews().insertReview(review(WS, "ev_a", false, "looked at it"));
        store().workspaces().upsertMembership(new Membership("d_ana", WS, Role.DRIVER));
        String before = fixture().snapshot();
        String file = "/io/fleetgate/store/jdbc/migration/" + jdbc().dialect().name().toLowerCase(Locale.ROOT)
                + "/V4__memberships_and_reviews.sql";
        String text;
        try (var in = getClass().getResourceAsStream(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        DataSource owner = jdbc().dialect() == Dialect.POSTGRES
                ? ((PostgresFixture) fixture()).ownerDataSource() : jdbc().dataSource();
        for (String statement : SqlScript.split(text)) {
            execute(owner, statement);
        }

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertRefused(jdbc().dataSource(), "DELETE FROM event_reviews");
    }

    // --- helpers ----------------------------------------------------------------------------

    /**
     * The statement fails because a trigger refused it, not for any other reason. On PostgreSQL
     * it is first shown to be refused to the runtime role (no such privilege, V8), then to change
     * no row for the owner under row-level security (V5 has no such policy on event_reviews), then,
     * with the policies lifted for the owner in a rolled-back transaction, to be refused by the
     * trigger; the owner's TRUNCATE is refused by the trigger directly
     * ({@link PostgresFixture#assertAppendOnly}).
     */
    private void assertRefused(DataSource ds, String sql) throws SQLException {
        if (jdbc().dialect() == Dialect.POSTGRES) {
            PostgresFixture.assertAppendOnly(fixture(), List.of("event_reviews"), sql);
            return;
        }
        assertThatThrownBy(() -> execute(ds, sql)).as(sql).isInstanceOf(SQLException.class)
                .hasMessageContaining("is append-only");
    }
}
