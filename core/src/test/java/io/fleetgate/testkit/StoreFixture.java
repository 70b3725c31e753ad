package io.fleetgate.testkit;

import io.fleetgate.spi.FleetgateStore;

/**
 * One empty database for one test, as the contract tests see it: the in-memory store, an SQLite
 * file or a PostgreSQL schema.
 */
public interface StoreFixture extends AutoCloseable {

    /** @return the store under test (one "host instance") */
    FleetgateStore store();

    /**
     * @return another instance on the same data (a second "host instance"): on a database one with
     *         its own connection pool, in memory another store on the same data set
     */
    FleetgateStore secondInstance();

    /** @return every row of every table, in a stable order, to prove a refusal wrote nothing */
    String snapshot();

    /** Closes every instance and removes the database. */
    @Override
    void close();
}
