/**
 * fleetgate store-jdbc: PostgreSQL and SQLite implementations of the fleetgate repositories.
 * Start with {@link io.fleetgate.store.jdbc.JdbcStore}.
 */
module io.fleetgate.store.jdbc {
    requires transitive io.fleetgate.core;
    requires transitive java.sql;
    requires org.jdbi.v3.core;
    requires transitive com.zaxxer.hikari; // JdbcStore.Builder.metricsTrackerFactory takes its SPI type
    requires static org.xerial.sqlitejdbc;
    requires static org.postgresql.jdbc;

    exports io.fleetgate.store.jdbc;

    // SQL files are read as resources by the store itself (and by hosts adopting them with Flyway).
    opens io.fleetgate.store.jdbc.migration.postgres;
    opens io.fleetgate.store.jdbc.migration.sqlite;
    // Undo scripts, one per migration, for an operator to run by hand (never run by the store).
    opens io.fleetgate.store.jdbc.undo.postgres;
    opens io.fleetgate.store.jdbc.undo.sqlite;
    opens io.fleetgate.store.jdbc.sql.context;
    opens io.fleetgate.store.jdbc.sql.credentials;
    opens io.fleetgate.store.jdbc.sql.exclusive;
    opens io.fleetgate.store.jdbc.sql.execution;
    opens io.fleetgate.store.jdbc.sql.places;
    opens io.fleetgate.store.jdbc.sql.positions;
    opens io.fleetgate.store.jdbc.sql.reviews;
    opens io.fleetgate.store.jdbc.sql.sessions;
    opens io.fleetgate.store.jdbc.sql.workspaces;
}
