package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

class PostgresAppendOnlyTest extends AppendOnlyContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Override
    protected List<Foreign> foreignConnections() {
        PostgresFixture pg = (PostgresFixture) fixture();
        return List.of(
                new Foreign("the system principal under row-level security", () -> {
                    Connection c = open(pg);
                    // the signed context the store itself sets (V8): this connection holds the key
                    PostgresFixture.key(c).bind(c, io.fleetgate.Principal.system(), java.time.Instant.now());
                    return c;
                }, true),
                new Foreign("the tables' owner with row-level security not forced", () -> {
                    Connection c = open(pg);
                    try (Statement st = c.createStatement()) {
                        for (String table : List.of("driver_events", "quarantined_events", "event_reviews",
                                "driver_fixes", "driver_event_ids")) {
                            st.execute("ALTER TABLE " + table + " NO FORCE ROW LEVEL SECURITY");
                        }
                    }
                    return c;
                }, false));
    }

    /**
     * V16: the claims that decide an event id's replay (driver_event_ids) hold against every write
     * form as the log does: an overwrite of a claim's key, or of its (batch_id, batch_version), is
     * refused or changes nothing.
     */
    @Test
    void databaseWhenEventIdClaimOverwrittenByAnyWriteFormThenRefusedOrUnchanged() throws Exception {
        assertEveryFormRefusedOrUnchanged("driver_event_ids", "content_hash", "event_id = 'ev_1'", List.of(
                new Variant("the primary key", List.of("workspace_id", "actor_id", "event_id"), ""),
                new Variant("(batch_id, batch_version)", List.of("batch_id", "batch_version"), "event_id = 'ev_forged'")));
    }

    private static Connection open(PostgresFixture pg) throws SQLException {
        Connection c = DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.user(), PostgresFixture.password());
        c.setAutoCommit(false);
        return c;
    }
}
