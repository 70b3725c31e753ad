package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

import java.sql.SQLException;

class PostgresSessionStoreTest extends JdbcSessionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Override
    protected boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }
}
