package io.fleetgate.store.jdbc;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.contract.SupervisorStoreContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static io.fleetgate.contract.ExecutionStoreContract.WS;
import static org.assertj.core.api.Assertions.assertThat;

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
        String before = fixture().snapshot();

        assertRefused("UPDATE event_reviews SET note = 'tampered'");
        assertRefused("UPDATE event_reviews SET reviewer_id = 's_other' WHERE item_id = 'ev_a'");
        assertRefused("DELETE FROM event_reviews WHERE item_id = 'ev_a'");
        assertRefused("DELETE FROM event_reviews");
        if (jdbc().dialect() == Dialect.POSTGRES) {
            assertRefused("TRUNCATE event_reviews");
            assertRefused("TRUNCATE event_reviews CASCADE");
        }
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void migrationWhenMembershipsAndReviewsFileRunAgainThenNothingFailsOrChanges() throws Exception {
        seedQueue();
        repo.reviews().insertReview(review(WS, "ev_a", false, "looked at it"));
        store().workspaces().upsertMembership(new Membership("d_ana", WS, Role.DRIVER));
        String before = fixture().snapshot();
        JdbcAssertions.rerunMigration(fixture(), "V4__memberships_and_reviews.sql");

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertRefused("DELETE FROM event_reviews");
    }

    // --- helpers ----------------------------------------------------------------------------

    private void assertRefused(String sql) throws SQLException {
        JdbcAssertions.assertAppendOnlyRefuses(fixture(), List.of("event_reviews"), sql);
    }
}
